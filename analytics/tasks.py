"""Celery tasks of analytics: they only call services (DESIGN.md) and are idempotent."""

from celery import shared_task

# --- KPI rollups -------------------------------------------------------------------------------------


def _compute_scorecards(partner_ids=None) -> None:
    """Scorecards read the quarterly snapshots: refresh them after a rollup, when that module is there."""
    try:
        from analytics import scorecards
    except ImportError:
        return
    if hasattr(scorecards, "compute_scorecards"):
        scorecards.compute_scorecards(periods=None, partner_ids=partner_ids)


@shared_task
def nightly_rollup() -> int:
    """Full rebuild of every partner's snapshots (beat: nightly), then scorecards. Skipped while an
    on-demand full rebuild is queued or running (it does the same work)."""
    from analytics import services
    from analytics.models import RollupKind
    from prm.exceptions import DomainError

    try:
        run = services.start_run(kind=RollupKind.FULL)
    except DomainError:
        return 0
    done = services.execute_run(run_id=run.pk)
    _compute_scorecards()
    return done.rows if done else 0


@shared_task
def incremental_rollup() -> int:
    """Rebuild the partners that events marked dirty (beat: every few minutes), then their scorecards."""
    from analytics import services

    run, partner_ids = services.run_incremental()
    if partner_ids:
        _compute_scorecards(partner_ids=partner_ids)
    return run.rows if run else 0


@shared_task
def run_rollup(run_id: int) -> int:
    """Run a queued on-demand rollup; a second delivery finds it claimed and does nothing."""
    from analytics import services

    done = services.execute_run(run_id=run_id)
    if done is not None:
        _compute_scorecards()
    return done.rows if done else 0


# --- Scorecards and alerts ---------------------------------------------------------------------------


@shared_task
def recompute_scorecards(periods=None, partner_ids=None) -> int:
    """Recompute scorecards (default: the current and previous quarter, every partner)."""
    from analytics.scorecards import compute_scorecards

    return compute_scorecards(periods=periods, partner_ids=partner_ids)


@shared_task
def evaluate_alerts() -> dict:
    """Open, keep or resolve partner alerts for every rule (beat: daily)."""
    from analytics import alerts

    return alerts.evaluate_alerts()
