"""Escalation of breached items: exactly once (also under concurrency), to the right people, closed when decided."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from accounts.models import Role
from deals.models import DealRegistration, DealStatus
from prm.models import DomainEvent, Notification
from sla import services, tasks
from sla.models import SlaEscalation
from tests.factories import InternalUserFactory, PartnerFactory
from tests.sla.helpers import at, draft_batch, submitted_deal

MONDAY = at(2026, 11, 2)
LATER = at(2026, 11, 12)


@pytest.fixture
def managed(partner, channel_manager):
    partner.channel_manager = channel_manager
    partner.save(update_fields=["channel_manager"])
    return partner


@pytest.mark.django_db
def test_a_breach_is_escalated_once_to_the_program_admins_and_the_channel_manager(
    managed, channel_manager, program_admin, finance_user, django_capture_on_commit_callbacks
):
    second_admin = InternalUserFactory(role=Role.PROGRAM_ADMIN)
    deal = submitted_deal(managed, MONDAY)
    submitted_deal(managed, LATER)  # not due yet

    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_breaches(now=LATER) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_breaches(now=LATER) == 0
        assert services.escalate_breaches(now=LATER + timedelta(days=1)) == 0

    escalation = SlaEscalation.objects.get()
    assert (escalation.kind, escalation.object_id, escalation.partner_id) == ("deal", deal.pk, managed.pk)
    assert escalation.resolved_at is None and escalation.sla_days == 2
    assert DomainEvent.objects.filter(name="sla.breached").count() == 1
    notified = Notification.objects.filter(event__name="sla.breached")
    assert sorted(notified.values_list("user_id", flat=True)) == sorted(
        [program_admin.pk, second_admin.pk, channel_manager.pk]
    )
    assert finance_user.pk not in notified.values_list("user_id", flat=True)
    assert deal.customer_name in notified.first().title


@pytest.mark.django_db
def test_the_task_is_idempotent(partner, program_admin, django_capture_on_commit_callbacks):
    submitted_deal(partner, timezone.now() - timedelta(days=20))
    draft_batch(partner, timezone.now() - timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_breaches.delay().get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_breaches.delay().get() == 0
    assert SlaEscalation.objects.count() == 2
    assert Notification.objects.filter(event__name="sla.breached", user=program_admin).count() == 2


@pytest.mark.django_db
def test_escalations_are_resolved_when_the_item_is_decided(partner, program_admin):
    deal = submitted_deal(partner, MONDAY)
    services.escalate_breaches(now=LATER)
    decided = LATER + timedelta(hours=3)
    DealRegistration.objects.filter(pk=deal.pk).update(status=DealStatus.APPROVED, decided_at=decided)
    services.escalate_breaches(now=LATER + timedelta(hours=4))
    escalation = SlaEscalation.objects.get()
    assert escalation.resolved_at == decided
    assert services.resolve_escalations() == 0  # nothing left to close
    # Decided items are not escalated again.
    assert services.escalate_breaches(now=LATER + timedelta(days=5)) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_runs_escalate_each_breach_exactly_once():
    partner = PartnerFactory()
    admin = InternalUserFactory(role=Role.PROGRAM_ADMIN)
    for day in range(2, 7):
        submitted_deal(partner, at(2026, 11, day))
        draft_batch(partner, at(2026, 11, day))
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(services.escalate_breaches(now=at(2026, 11, 30)))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(results) == 10
    assert SlaEscalation.objects.count() == 10
    assert DomainEvent.objects.filter(name="sla.breached").count() == 10
    assert Notification.objects.filter(event__name="sla.breached", user=admin).count() == 10
