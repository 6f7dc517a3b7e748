"""Freshness: an event's partners are rolled up by one debounced task within seconds (docs/analytics.md: Freshness).

Eager Celery runs that task inline when it is queued; the burst tests record the queueing instead, to see
that many events give one task, and then run it.
"""

import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from analytics import services, tasks
from analytics.models import DirtyPartner, KpiSnapshot, RollupKind, RollupRun, RollupStatus
from config.celery import app
from deals import services as deal_services
from deals.models import DealStatus
from tests.analytics.kpi_fixture import deal

pytestmark = pytest.mark.django_db


def sourced(partner) -> Decimal | None:
    period = timezone.localdate().strftime("%Y-%m")
    return KpiSnapshot.objects.filter(partner=partner, period=period).values_list("sourced_bookings", flat=True).first()


def win(target, actor, capture):
    with capture(execute=True):  # commit: the event is dispatched (eager) and its handler queues the rollup
        deal_services.mark_won(deal=target, actor=actor, amount=target.amount, close_date=timezone.localdate())


class Recorder:
    """Stands in for the prompt_rollup task: records each queueing instead of running it."""

    def __init__(self, fail=False):
        self.calls, self.fail = [], fail

    def apply_async(self, *args, **kwargs):
        if self.fail:
            raise ConnectionError("broker unreachable")
        self.calls.append(kwargs)


@pytest.fixture
def eager_retries(monkeypatch):
    """Eager Celery runs a task's retries at once, in apply(), when failures are not propagated."""
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def recorder(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(tasks, "prompt_rollup", recorder)
    return recorder


def test_a_won_deal_updates_the_partners_snapshot_through_the_prompt_rollup(
    partner, channel_manager, django_capture_on_commit_callbacks
):
    target = deal(partner, status=DealStatus.APPROVED, amount="12000", submitted=timezone.localdate())
    services.rebuild_kpis()
    assert not sourced(partner)

    win(target, channel_manager, django_capture_on_commit_callbacks)

    assert sourced(partner) == Decimal("12000.00")  # no beat ran: the event's own rollup did it
    run = RollupRun.objects.get(kind=RollupKind.INCREMENTAL)
    assert run.status == RollupStatus.DONE and run.partners == 1
    assert not DirtyPartner.objects.exists() and cache.get(services.PROMPT_ROLLUP_KEY) is None


@override_settings(ANALYTICS_ROLLUP_DEBOUNCE_SECONDS=7)
def test_a_burst_of_events_queues_one_debounced_rollup_that_takes_every_marked_partner(
    partner, other_partner, channel_manager, recorder, django_capture_on_commit_callbacks
):
    deals = [
        deal(partner, status=DealStatus.APPROVED, amount=f"{n}000", submitted=timezone.localdate()) for n in range(1, 6)
    ]
    deals.append(deal(other_partner, status=DealStatus.APPROVED, amount="9000", submitted=timezone.localdate()))
    services.rebuild_kpis()
    for target in deals:
        win(target, channel_manager, django_capture_on_commit_callbacks)

    assert recorder.calls == [{"countdown": 7}]  # six events, one rollup queued
    assert set(DirtyPartner.objects.values_list("partner_id", flat=True)) == {partner.pk, other_partner.pk}

    rows = tasks._roll_up_dirty_partners()  # what the queued task runs when its countdown ends
    assert rows > 0
    assert sourced(partner) == Decimal("15000.00") and sourced(other_partner) == Decimal("9000.00")
    run = RollupRun.objects.get(kind=RollupKind.INCREMENTAL)
    assert run.partners == 2 and not DirtyPartner.objects.exists()

    # The rollup cleared the key before draining: the next event queues the next rollup.
    late = deal(partner, status=DealStatus.APPROVED, amount="1000", submitted=timezone.localdate())
    win(late, channel_manager, django_capture_on_commit_callbacks)
    assert recorder.calls == [{"countdown": 7}, {"countdown": 7}]


def test_the_prompt_rollup_is_safe_to_run_twice(partner, channel_manager, recorder, django_capture_on_commit_callbacks):
    target = deal(partner, status=DealStatus.APPROVED, amount="4000", submitted=timezone.localdate())
    win(target, channel_manager, django_capture_on_commit_callbacks)
    first = tasks._roll_up_dirty_partners()
    snapshot = KpiSnapshot.objects.filter(partner=partner).order_by("period").values()
    before = [{k: v for k, v in row.items() if k not in ("id", "computed_at")} for row in snapshot]
    assert first > 0 and tasks._roll_up_dirty_partners() == 0  # a second delivery finds no marks
    after = [{k: v for k, v in row.items() if k not in ("id", "computed_at")} for row in snapshot.all()]
    assert after == before and RollupRun.objects.filter(kind=RollupKind.INCREMENTAL).count() == 1


def test_when_the_rollup_cannot_be_queued_the_mark_waits_for_the_periodic_rollup(
    partner, channel_manager, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "prompt_rollup", Recorder(fail=True))
    target = deal(partner, status=DealStatus.APPROVED, amount="3000", submitted=timezone.localdate())
    win(target, channel_manager, django_capture_on_commit_callbacks)
    assert DirtyPartner.objects.filter(partner=partner).exists()
    assert cache.get(services.PROMPT_ROLLUP_KEY) is None  # not held by a task that was never queued
    assert tasks.incremental_rollup() > 0 and sourced(partner) == Decimal("3000.00")


@pytest.mark.postgres
def test_an_incremental_rollup_does_not_start_while_another_rollup_writes(partner, channel_manager, recorder):
    if connection.vendor != "postgresql":
        pytest.skip("the writers' lock is a PostgreSQL advisory lock")
    services.mark_dirty(partner_ids=[partner.pk])
    holding, release = threading.Event(), threading.Event()

    def other_rollup():  # another worker's rollup, holding the writers' lock
        from django.db import connection as own

        with own.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [services.WRITE_LOCK])
            holding.set()
            release.wait(10)
            cursor.execute("SELECT pg_advisory_unlock(%s)", [services.WRITE_LOCK])
        own.close()

    thread = threading.Thread(target=other_rollup)
    thread.start()
    try:
        assert holding.wait(10)
        with pytest.raises(services.RollupBusy):
            services.run_incremental()
        assert DirtyPartner.objects.filter(partner=partner).exists()  # nothing drained
        assert tasks.incremental_rollup() == 0  # the periodic sweep leaves it for later too
        assert not RollupRun.objects.exists()
    finally:
        release.set()
        thread.join()
    run, ids = services.run_incremental()
    assert ids == [partner.pk] and run.status == RollupStatus.DONE


def test_the_prompt_rollup_tries_again_while_another_rollup_writes(partner, monkeypatch, eager_retries):
    services.mark_dirty(partner_ids=[partner.pk])
    real, attempts = services.run_incremental, []

    def busy_twice():
        attempts.append(1)
        if len(attempts) < 3:
            raise services.RollupBusy
        return real()

    monkeypatch.setattr(services, "run_incremental", busy_twice)
    result = tasks.prompt_rollup.apply()  # eager: each retry runs at once instead of after the debounce delay
    assert len(attempts) == 3 and result.get() > 0
    assert not DirtyPartner.objects.exists()


def test_a_prompt_rollup_that_keeps_finding_the_lock_taken_gives_up_and_leaves_the_marks(
    partner, monkeypatch, eager_retries
):
    services.mark_dirty(partner_ids=[partner.pk])
    attempts = []

    def always_busy():
        attempts.append(1)
        raise services.RollupBusy

    monkeypatch.setattr(services, "run_incremental", always_busy)
    result = tasks.prompt_rollup.apply()
    assert result.failed() and isinstance(result.result, services.RollupBusy)
    assert len(attempts) == tasks.PROMPT_ROLLUP_TRIES + 1
    assert DirtyPartner.objects.filter(partner=partner).exists()  # for the periodic incremental rollup
