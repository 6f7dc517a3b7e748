"""The analytics benchmark runs end to end on a tiny data set (the real run is `make bench`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_the_analytics_benchmark_runs_on_a_small_program():
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_analytics",
            "--partners",
            "60",
            "--deals",
            "3000",
            "--requests",
            "3",
            "--database",
            "prm_bench_analytics_smoke",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "full rollup:" in result.stdout, output
    assert "PASS  rollup and hand-written SQL give the same figures" in result.stdout, output
    assert "program dashboard: p50" in result.stdout and "partner KPI API: p50" in result.stdout, output
