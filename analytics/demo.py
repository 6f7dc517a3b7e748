"""Demo data of analytics (seed_demo): the full KPI rollup over the demo's deals (the deals demo adds eight
quarters of history, deals/demo_history.py), then the scorecard ratings and scorecards.
"""


def seed(*, seed: int, partners: int, stdout) -> None:
    _rollup_and_scorecards(seed=seed, partners=partners, stdout=stdout)


def _rollup_and_scorecards(*, seed: int, partners: int, stdout) -> None:
    from analytics.models import RollupKind
    from analytics.services import execute_run, start_run
    from prm.exceptions import DomainError

    try:
        run = start_run(kind=RollupKind.FULL)
    except DomainError:
        stdout.write("  analytics: a rollup is already running, skipped")
        return
    done = execute_run(run_id=run.pk)
    stdout.write(f"  analytics: KPI rollup wrote {done.rows} snapshot rows for {done.partners} partners")
    try:
        from analytics import scorecard_demo
    except ImportError:
        scorecard_demo = None
    if scorecard_demo is not None and hasattr(scorecard_demo, "seed"):
        scorecard_demo.seed(seed=seed, partners=partners, stdout=stdout)
    try:
        from analytics import scorecards
    except ImportError:
        return
    if hasattr(scorecards, "compute_scorecards"):
        written = scorecards.compute_scorecards(periods=None, partner_ids=None)
        stdout.write(f"  analytics: {written} scorecards computed")
