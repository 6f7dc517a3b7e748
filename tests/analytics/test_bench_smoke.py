"""The analytics benchmark runs end to end on a tiny data set (the real run is `make bench`)."""

import pytest

from tests.bench_smoke import run_bench


@pytest.mark.postgres
def test_the_analytics_benchmark_runs_on_a_small_program():
    result = run_bench(
        "bench_analytics",
        "--partners",
        "60",
        "--deals",
        "3000",
        "--requests",
        "3",
        "--database",
        "prm_bench_analytics_smoke",
    )
    output = result.stdout + result.stderr
    assert "full rollup:" in result.stdout, output
    assert "PASS  rollup and hand-written SQL give the same figures" in result.stdout, output
    assert "program dashboard: p50" in result.stdout and "partner KPI API: p50" in result.stdout, output
