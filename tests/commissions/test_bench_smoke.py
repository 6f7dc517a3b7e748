"""The commissions benchmark runs end to end on a tiny data set (the real run is `make bench`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_the_commissions_benchmark_runs_on_two_thousand_deals():
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_commissions",
            "--deals",
            "2000",
            "--partners",
            "50",
            "--entries",
            "300",
            "--database",
            "prm_bench_commissions_smoke",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "compute_entries_for_deals" in result.stdout, result.stdout + result.stderr
    assert "PASS  rerun writes nothing" in result.stdout and "PASS  payout paid every entry once" in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
