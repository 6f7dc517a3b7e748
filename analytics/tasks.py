"""Celery tasks of analytics: they only call services (docs/architecture.md) and are idempotent."""

from celery import shared_task
from django.conf import settings

from analytics import alerts, services
from analytics.models import RollupKind, RollupRun, RollupStatus
from analytics.scorecards.scoring import compute_scorecards
from analytics.services import RollupBusy
from prm.exceptions import DomainError

# --- KPI rollups -------------------------------------------------------------------------------------


def _compute_scorecards(partner_ids=None) -> None:
    """Scorecards read the quarterly snapshots: refresh them after a rollup."""
    compute_scorecards(periods=None, partner_ids=partner_ids)


def _redelivered(task) -> bool:
    """True when the broker gave this message again because the worker running it died (acks_late)."""
    return bool((task.request.delivery_info or {}).get("redelivered"))


@shared_task(bind=True)
def nightly_rollup(self) -> int:
    """Full rebuild of every partner's snapshots (beat: nightly), then scorecards. Skipped while an
    on-demand full rebuild is queued or running (it does the same work), unless this is the redelivery of a
    run whose worker died: that run is resumed."""

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


def _roll_up_dirty_partners() -> int:

    run, partner_ids = services.run_incremental()
    if partner_ids:
        _compute_scorecards(partner_ids=partner_ids)
    return run.rows if run else 0


@shared_task
def incremental_rollup() -> int:
    """Rebuild the partners marked dirty, then their scorecards (beat: every few minutes). The sweeper behind
    prompt_rollup: it takes marks whose prompt task could not be queued. While another rollup writes, it
    does nothing; the next beat or prompt rollup takes the marks."""

    try:
        return _roll_up_dirty_partners()
    except RollupBusy:
        return 0


# A prompt rollup that keeps finding another rollup writing (a long full rebuild) gives up after about this
# many tries; its marks stay for the periodic incremental rollup.
PROMPT_ROLLUP_TRIES = 60


@shared_task(bind=True, max_retries=PROMPT_ROLLUP_TRIES)
def prompt_rollup(self) -> int:
    """Rebuild the partners events marked dirty, a few seconds after the first mark (debounced, queued by
    analytics.services.schedule_prompt_rollup; docs/analytics.md: Freshness). Safe to run twice: a second run
    finds no marks. While another rollup writes, it tries again after the debounce delay."""

    try:
        return _roll_up_dirty_partners()
    except RollupBusy as busy:
        raise self.retry(countdown=settings.ANALYTICS_ROLLUP_DEBOUNCE_SECONDS, exc=busy) from None


@shared_task(bind=True)
def run_rollup(self, run_id: int) -> int:
    """Run a queued on-demand rollup; a second delivery finds it claimed and does nothing, unless the
    first one's worker died (a redelivery): then the run it left `running` is resumed."""

    done = services.execute_run(run_id=run_id, resume=_redelivered(self))
    if done is not None:
        _compute_scorecards()
    return done.rows if done else 0


# --- Scorecards and alerts ---------------------------------------------------------------------------


@shared_task
def recompute_scorecards(periods=None, partner_ids=None) -> int:
    """Recompute scorecards (default: the current and previous quarter, every partner)."""
    return compute_scorecards(periods=periods, partner_ids=partner_ids)


@shared_task
def evaluate_alerts() -> dict:
    """Open, keep or resolve partner alerts for every rule (beat: daily)."""

    return alerts.evaluate_alerts()
