"""The trust benchmark (policy replay, signed receipts) runs end to end on a tiny data set (the real run is
`make bench`)."""

import pytest

from tests.bench_smoke import run_bench


@pytest.mark.postgres
def test_the_trust_benchmark_runs_on_two_thousand_registrations():
    result = run_bench(
        "bench_trust",
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
    )
    assert "registrations replayed" in result.stdout, result.stdout + result.stderr
    assert "PASS  every receipt verifies" in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
