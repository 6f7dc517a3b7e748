"""Writes of analytics' KPI rollups: rebuilding snapshots and queueing on-demand runs.

`rebuild_kpis` is the only writer of KpiSnapshot. A full rebuild and an incremental one for some
partners run the same computation (analytics.kpis.compute) and replace the same rows, so they agree.
Partners an event touched are rolled up within seconds by one debounced task (docs/analytics.md: Freshness).
"""

import logging
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from analytics import kpis
from analytics.models import DirtyPartner, KpiSnapshot, RollupKind, RollupRun, RollupStatus
from analytics.selectors import SNAPSHOT_VERSION_KEY, default_quarter, program_dashboard
from fx.services import report_missing_rates
from prm.exceptions import DomainError

log = logging.getLogger(__name__)

# A run still "running" after this long lost its worker: a new request may replace it.
STALE_AFTER = timedelta(hours=2)
# pg_advisory_xact_lock key serialising snapshot writers ("KPI" in ASCII).
WRITE_LOCK = 0x4B5049
ROLLUP_WORK_MEM = "256MB"
# Cache key held while a prompt incremental rollup is queued: marks made meanwhile join that rollup.
PROMPT_ROLLUP_KEY = "analytics:prompt-rollup"


class RollupBusy(Exception):
    """Another rollup is writing snapshots right now: the incremental one tries again later."""


def _progress(run: RollupRun | None):
    if run is None:
        return None

    def report(step: int) -> None:
        RollupRun.objects.filter(pk=run.pk).update(done_steps=step, total_steps=kpis.STEPS)

    return report


def rebuild_kpis(*, partner_ids=None, run: RollupRun | None = None, today=None) -> int:
    """Recompute the horizon's snapshots of the given partners (all when None); returns rows written.

    The rows of those partners for the horizon are replaced in one transaction (older, closed periods
    are kept) by two set-based INSERT ... SELECT statements (analytics.kpis): months from every source
    table, then quarters from those months. Writers are serialised (advisory lock on PostgreSQL), so
    concurrent runs cannot interleave; full and incremental runs execute the same statements.
    """
    ids = None if partner_ids is None else sorted({int(pk) for pk in partner_ids})
    if ids == []:
        return 0
    horizon = kpis.history_horizon(today)
    progress = _progress(run)
    now = timezone.now()
    if progress:
        progress(1)  # visible to pollers; the steps below commit together
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
                # The grouped sources of a full rebuild sort and hash a few hundred MB: keep them in memory.
                cursor.execute(f"SET LOCAL work_mem = '{ROLLUP_WORK_MEM}'")
                # The wide grouped statements (one CASE and as-of rate lookup per converted amount, fx) cross
                # PostgreSQL's JIT cost thresholds: compiling them costs more than it saves (bench: ~0.8 s of
                # a 1 s source query at 200,000 deals). Run the rollup interpreted.
                cursor.execute("SET LOCAL jit = off")
        stale = KpiSnapshot.objects.filter(period_start__gte=horizon.start)
        if ids is not None:
            stale = stale.filter(partner_id__in=ids)
        stale._raw_delete(stale.db)  # no cascades or signals: snapshots are plain rows
        kpis.write_months(connection, horizon, ids, now)
        if progress:
            progress(2)
        kpis.write_quarters(connection, horizon, ids, now)
    bump_snapshot_version()
    # Records left out for want of a rate are counted in the snapshots; finance is told which currencies.
    missing = kpis.missing_rates(horizon, ids)
    if missing:
        report_missing_rates(missing, where="KPI rollup")
    if ids is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the dashboards' plans
            cursor.execute(f"ANALYZE {connection.ops.quote_name(KpiSnapshot._meta.db_table)}")
    transaction.on_commit(warm_dashboard_cache)
    # (cursor.rowcount of INSERT ... SELECT is not reliable on every backend: count what was written)
    written = KpiSnapshot.objects.filter(period_start__gte=horizon.start, computed_at=now)
    if ids is not None:
        written = written.filter(partner_id__in=ids)
    rows = written.count()
    if run is not None:
        RollupRun.objects.filter(pk=run.pk).update(
            done_steps=kpis.STEPS,
            total_steps=kpis.STEPS,
            rows=rows,
            partners=written.values("partner_id").distinct().count(),
        )
    return rows


def warm_dashboard_cache() -> None:
    """Compute and cache the program dashboard's default view (current quarter, no filters) for the new
    snapshot version, so its first visitor after a rollup is not the one paying for it. Best effort."""
    try:
        program_dashboard(period=default_quarter())
    except Exception:
        log.warning("Warming the program dashboard cache failed", exc_info=True)


def bump_snapshot_version() -> None:
    """Snapshots changed: cached dashboard figures (analytics.selectors.program_dashboard) are stale."""
    cache.set(SNAPSHOT_VERSION_KEY, uuid.uuid4().hex, None)


def drain_dirty_partners() -> list[int]:
    """Take (delete and return) the partners marked dirty, atomically: a mark made meanwhile survives."""
    with transaction.atomic():
        marks = list(DirtyPartner.objects.select_for_update(skip_locked=True).values_list("pk", "partner_id"))
        DirtyPartner.objects.filter(pk__in=[pk for pk, _ in marks]).delete()
    return sorted({partner_id for _, partner_id in marks})


def mark_dirty(*, partner_ids) -> None:
    """Queue partners for the next incremental rollup (one row per partner)."""
    ids = {int(pk) for pk in partner_ids if pk}
    if ids:
        DirtyPartner.objects.bulk_create([DirtyPartner(partner_id=pk) for pk in sorted(ids)], ignore_conflicts=True)


def _release_stale_runs() -> None:
    RollupRun.objects.filter(
        active=True, status=RollupStatus.RUNNING, started_at__lt=timezone.now() - STALE_AFTER
    ).update(
        status=RollupStatus.FAILED,
        active=False,
        error="The worker stopped before finishing.",
        finished_at=timezone.now(),
    )


def start_run(*, kind: str, user=None) -> RollupRun:
    """Create a queued full run holding the single active slot; DomainError if one is queued or running."""
    _release_stale_runs()
    try:
        with transaction.atomic():
            return RollupRun.objects.create(kind=kind, requested_by=user, active=True, total_steps=kpis.STEPS)
    except IntegrityError:
        raise DomainError(
            _("A rollup is already queued or running; wait for it to finish."), code="rollup_running"
        ) from None


def request_rollup(*, user) -> RollupRun:
    """A program admin asks for a full rebuild now: the run is queued and its progress can be followed."""
    access.require(user, "analytics.rebuild_rollups")
    run = start_run(kind=RollupKind.FULL, user=user)
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from analytics.tasks import run_rollup  # analytics.tasks imports this module

    run_rollup.delay(run_id)


def execute_run(*, run_id: int, partner_ids=None, resume: bool = False) -> RollupRun | None:
    """Run a queued rollup once: claimed by a conditional UPDATE, so a duplicate delivery does nothing.

    `resume`: the task's message was redelivered because its worker died (acks_late), so a run that worker
    left `running` is taken over; its rebuild was one transaction, rolled back with the dead connection."""
    statuses = [RollupStatus.QUEUED, RollupStatus.RUNNING] if resume else [RollupStatus.QUEUED]
    claimed = RollupRun.objects.filter(pk=run_id, status__in=statuses).update(
        status=RollupStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = RollupRun.objects.get(pk=run_id)
    try:
        rebuild_kpis(partner_ids=partner_ids, run=run)
    except Exception as error:
        log.exception("KPI rollup %s failed", run_id)
        RollupRun.objects.filter(pk=run_id).update(
            status=RollupStatus.FAILED, active=False, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    RollupRun.objects.filter(pk=run_id).update(status=RollupStatus.DONE, active=False, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def schedule_prompt_rollup() -> None:
    """After the current transaction commits, make sure an incremental rollup runs within the debounce delay.

    The first mark of a quiet period queues one task with a countdown (ANALYTICS_ROLLUP_DEBOUNCE_SECONDS) and
    holds PROMPT_ROLLUP_KEY; every mark until that task starts finds the key and joins it, so a burst of events
    gives one rollup. The task clears the key before it drains the marks (run_incremental), so a later mark
    queues the next one. See docs/analytics.md: Freshness."""
    transaction.on_commit(_queue_prompt_rollup)


def _queue_prompt_rollup() -> None:
    delay = settings.ANALYTICS_ROLLUP_DEBOUNCE_SECONDS
    # The key outlives the countdown by a margin: if the task is lost or held up, a later mark queues another.
    if not cache.add(PROMPT_ROLLUP_KEY, timezone.now().isoformat(), timeout=delay + 60):
        return
    from analytics.tasks import prompt_rollup  # analytics.tasks imports this module

    try:
        prompt_rollup.apply_async(countdown=delay)
    except Exception:  # broker unreachable (or, eager, the inline run failed): the marks wait for the sweeper
        cache.delete(PROMPT_ROLLUP_KEY)
        log.warning("the prompt KPI rollup did not run; the periodic one will take the marks", exc_info=True)


@contextmanager
def _writer_slot():
    """Take the snapshot writers' lock without waiting (a session-level advisory lock on WRITE_LOCK, which
    rebuild_kpis then re-enters); RollupBusy if a full rebuild or another incremental run holds it. A lock of a
    dead worker goes with its connection, so there is nothing stale to release."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [WRITE_LOCK])
        if not cursor.fetchone()[0]:
            raise RollupBusy
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [WRITE_LOCK])
        except DatabaseError:  # the connection is gone, and its lock with it; keep the original error
            log.warning("could not release the KPI writers' lock", exc_info=True)


def run_incremental() -> tuple[RollupRun | None, list[int]]:
    """Rebuild the partners events touched since the last run: (run, partner ids); (None, []) when none.

    Runs only while holding the writers' lock, taken without waiting: RollupBusy (nothing drained) when another
    rollup is writing, so two rollups never run for a partner at the same time and no worker sits blocked."""
    with _writer_slot():
        cache.delete(PROMPT_ROLLUP_KEY)  # before draining: a mark made after this queues the next prompt rollup
        ids = drain_dirty_partners()
        if not ids:
            return None, []
        run = RollupRun.objects.create(kind=RollupKind.INCREMENTAL, total_steps=kpis.STEPS)
        try:
            return execute_run(run_id=run.pk, partner_ids=ids), ids
        except Exception:
            mark_dirty(partner_ids=ids)  # not lost: the next run takes them again
            raise
