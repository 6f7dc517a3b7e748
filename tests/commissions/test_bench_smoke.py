"""The commissions benchmark runs end to end on a tiny data set (the real run is `make bench`)."""

import pytest

from tests.bench_smoke import run_bench


@pytest.mark.postgres
def test_the_commissions_benchmark_runs_on_two_thousand_deals():
    result = run_bench(
        "bench_commissions",
        "--deals",
        "2000",
        "--partners",
        "50",
        "--entries",
        "300",
        "--database",
        "prm_bench_commissions_smoke",
    )
    assert "compute_entries_for_deals" in result.stdout, result.stdout + result.stderr
    assert "PASS  rerun writes nothing" in result.stdout and "PASS  payout paid every entry once" in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
