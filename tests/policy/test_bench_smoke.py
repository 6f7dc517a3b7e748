"""The trust benchmark (policy replay, signed receipts) runs end to end on a tiny data set (the real run is
`make bench`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_the_trust_benchmark_runs_on_two_thousand_registrations():
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_trust",
            "--registrations",
            "2000",
            "--accounts",
            "1500",
            "--partners",
            "50",
            "--receipts",
            "200",
            "--database",
            "prm_bench_trust_smoke",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "registrations replayed" in result.stdout, result.stdout + result.stderr
    assert "PASS  every receipt verifies" in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
