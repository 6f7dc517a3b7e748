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


def _redelivered(task) -> bool:
    """True when the broker gave this message again because the worker running it died (acks_late)."""
    return bool((task.request.delivery_info or {}).get("redelivered"))


@shared_task(bind=True)
def nightly_rollup(self) -> int:
    """Full rebuild of every partner's snapshots (beat: nightly), then scorecards. Skipped while an
    on-demand full rebuild is queued or running (it does the same work), unless this is the redelivery of a
    run whose worker died: that run is resumed."""
    from analytics import services
    from analytics.models import RollupKind, RollupRun, RollupStatus
    from prm.exceptions import DomainError

    resume = _redelivered(self)
    try:
        run = services.start_run(kind=RollupKind.FULL)
    except DomainError:
        run = RollupRun.objects.filter(active=True, status=RollupStatus.RUNNING).first() if resume else None
        if run is None:
            return 0
    done = services.execute_run(run_id=run.pk, resume=resume)
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


@shared_task(bind=True)
def run_rollup(self, run_id: int) -> int:
    """Run a queued on-demand rollup; a second delivery finds it claimed and does nothing, unless the
    first one's worker died (a redelivery): then the run it left `running` is resumed."""
    from analytics import services

    done = services.execute_run(run_id=run_id, resume=_redelivered(self))
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
