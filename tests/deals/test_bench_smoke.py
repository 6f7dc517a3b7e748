"""The matching benchmark runs end to end on a tiny data set (the real run is `make bench`)."""

import pytest

from tests.bench_smoke import run_bench


@pytest.mark.postgres
def test_the_matching_benchmark_runs_on_two_thousand_accounts():
    result = run_bench(
        "bench_deal_matching",
        "--accounts",
        "2000",
        "--registrations",
        "200",
        "--labelled",
        "300",
        "--database",
        "prm_bench_smoke",
    )
    assert "precision" in result.stdout, result.stdout + result.stderr
    assert "PASS  precision" in result.stdout and "PASS  recall" in result.stdout
