"""The events outbox: recorded in the service's transaction, dispatched after commit, exactly once per handler."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from partners.services import change_partner_tier
from prm import events
from prm.events import dispatch, on_event, record_event, register_event_type
from prm.models import DomainEvent, EventHandlerRun, Notification, NotificationCategory
from prm.notifications import email_notification, set_email_preferences
from prm.tasks import dispatch_pending_events, send_notification_email
from tests.factories import PartnerAdminFactory, tier

pytestmark = pytest.mark.django_db

REASON = "Three reference implementations this year"


@pytest.fixture
def managed_partner(partner, channel_manager):
    partner.channel_manager = channel_manager
    partner.save(update_fields=["channel_manager"])
    return partner


@pytest.fixture
def audience(managed_partner, partner_admin, channel_manager):
    """Who must hear about a tier change: the partner's active admins and its channel manager."""
    second_admin = PartnerAdminFactory(partner=managed_partner, email="dana@acme.example")
    return [partner_admin, second_admin, channel_manager]


@pytest.fixture
def bystanders(managed_partner, partner_user, other_partner_user):
    """People who must not hear about it: a plain partner user, an inactive admin, another partner's admin."""
    inactive_admin = PartnerAdminFactory(partner=managed_partner, email="eve@acme.example", is_active=False)
    return [partner_user, inactive_admin, other_partner_user]


def promote(actor, partner, *, reason=REASON, to="Platinum"):
    with transaction.atomic():
        return change_partner_tier(actor=actor, partner=partner, tier=tier(to), reason=reason)


def test_tier_change_records_one_pending_event_in_its_transaction(
    managed_partner, channel_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        promote(channel_manager, managed_partner)

    event = DomainEvent.objects.get()
    assert event.name == "partner.tier_changed"
    assert event.partner == managed_partner and event.actor == channel_manager
    assert event.payload["from_tier"] == "Gold" and event.payload["to_tier"] == "Platinum"
    assert event.payload["kind"] == "promotion" and event.payload["reason"] == REASON
    assert event.dispatched_at is None
    assert len(callbacks) == 1, "the dispatch is queued for after commit"
    assert not Notification.objects.exists(), "nothing is fanned out before the transaction commits"


def test_committed_tier_change_notifies_each_active_partner_admin_and_the_channel_manager(
    managed_partner, channel_manager, audience, bystanders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(channel_manager, managed_partner)

    event = DomainEvent.objects.get()
    assert event.dispatched_at is not None and event.last_error == "" and event.attempts == 1
    notifications = Notification.objects.filter(event=event)
    assert sorted(n.user_id for n in notifications) == sorted(u.pk for u in audience)
    partner_url = reverse("partners:detail", args=[managed_partner.pk])
    for notification in notifications:
        assert notification.url == partner_url
        assert notification.category == NotificationCategory.PARTNERS
        assert "Platinum" in notification.title
        assert notification.body == REASON
        assert notification.read_at is None and notification.emailed_at is not None
    assert Notification.objects.get(user=audience[0]).title == "Your organisation was promoted to Platinum"
    assert Notification.objects.get(user=channel_manager).title == "Acme Cloud Partners promoted to Platinum"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in audience)
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert any(partner_url in m.body for m in mail.outbox)


def test_a_demotion_is_announced_as_a_move(
    managed_partner, channel_manager, partner_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(channel_manager, managed_partner, to="Silver")

    assert Notification.objects.get(user=partner_admin).title == "Your organisation was moved to Silver"


def test_a_partner_without_channel_manager_still_notifies_its_admins(
    partner, channel_manager, partner_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(channel_manager, partner)

    assert list(Notification.objects.values_list("user", flat=True)) == [partner_admin.pk]
    assert [m.to for m in mail.outbox] == [[partner_admin.email]]


def test_user_who_turned_partner_emails_off_gets_the_notification_but_no_email(
    managed_partner, channel_manager, partner_admin, django_capture_on_commit_callbacks
):
    others = [c for c in NotificationCategory.values if c != NotificationCategory.PARTNERS]
    set_email_preferences(user=partner_admin, emailed_categories=others)

    with django_capture_on_commit_callbacks(execute=True):
        promote(channel_manager, managed_partner)

    assert Notification.objects.filter(user=partner_admin).exists()
    assert Notification.objects.get(user=partner_admin).emailed_at is None
    assert [m.to for m in mail.outbox] == [[channel_manager.email]]


def test_dispatching_the_same_event_again_creates_no_second_notification_or_email(
    managed_partner, channel_manager, audience, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(channel_manager, managed_partner)
    event = DomainEvent.objects.get()
    runs = EventHandlerRun.objects.filter(event=event).count()
    assert runs >= 1

    with django_capture_on_commit_callbacks(execute=True):
        dispatch(event.pk)  # already dispatched: a redelivered message
    # A worker lost after the handlers ran but before the event was marked: the handler runs protect it.
    DomainEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(event.pk)

    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert Notification.objects.filter(event=event).count() == len(audience)
    assert len(mail.outbox) == len(audience)
    assert EventHandlerRun.objects.filter(event=event).count() == runs


def test_each_notification_is_emailed_at_most_once(
    managed_partner, channel_manager, partner_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(channel_manager, managed_partner)
    notification = Notification.objects.get(user=partner_admin)
    sent = len(mail.outbox)

    send_notification_email.delay(notification.pk)

    assert email_notification(notification_id=notification.pk) is False
    assert len(mail.outbox) == sent


def test_an_email_that_could_not_be_sent_goes_out_when_the_task_runs_again(
    monkeypatch, managed_partner, channel_manager, partner_admin, django_capture_on_commit_callbacks
):
    set_email_preferences(user=channel_manager, emailed_categories=[])
    from django.core.mail import send_mail as real_send_mail

    attempts = []

    def smtp_down_once(**kwargs):
        attempts.append(kwargs["recipient_list"])
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("SMTP server is restarting")
        return real_send_mail(**kwargs)

    monkeypatch.setattr("prm.notifications.send_mail", smtp_down_once)
    with django_capture_on_commit_callbacks(execute=True):
        promote(channel_manager, managed_partner)
    notification = Notification.objects.get(user=partner_admin)
    assert mail.outbox == [] and notification.emailed_at is None

    assert issubclass(smtplib.SMTPServerDisconnected, send_notification_email.autoretry_for), "the worker retries"
    send_notification_email.delay(notification.pk)  # what the retry runs

    assert attempts == [[partner_admin.email], [partner_admin.email]]
    assert [m.to for m in mail.outbox] == [[partner_admin.email]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_failed_send_releases_the_claim_on_the_notification(
    monkeypatch, managed_partner, channel_manager, partner_admin
):
    promote(channel_manager, managed_partner)  # no commit in this test: nothing is dispatched yet
    dispatch(DomainEvent.objects.get().pk)
    notification = Notification.objects.get(user=partner_admin)

    def smtp_down(**kwargs):
        raise ConnectionRefusedError("SMTP server is down")

    monkeypatch.setattr("prm.notifications.send_mail", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        email_notification(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None

    monkeypatch.undo()
    assert email_notification(notification_id=notification.pk) is True
    assert [m.to for m in mail.outbox] == [[partner_admin.email]]


def test_rolled_back_transaction_records_no_event_and_sends_nothing(
    managed_partner, channel_manager, audience, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            change_partner_tier(actor=channel_manager, partner=managed_partner, tier=tier("Platinum"), reason=REASON)
            raise RuntimeError("something later in the same transaction failed")

    assert callbacks == []
    assert not DomainEvent.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []
    managed_partner.refresh_from_db()
    assert managed_partner.tier == tier("Gold")


def test_recording_an_unknown_event_name_raises(partner):
    with pytest.raises(ValueError, match="unknown event type"):
        record_event("partner.teleported", partner=partner)
    assert not DomainEvent.objects.exists()


def pending_event(partner, channel_manager, *, age=timedelta(minutes=5)):
    """An event whose dispatch was never queued (broker down at commit), created `age` ago."""
    event = DomainEvent.objects.create(
        name="partner.tier_changed",
        partner=partner,
        actor=channel_manager,
        payload={
            "partner_id": partner.pk,
            "partner_name": partner.name,
            "from_tier": "Gold",
            "to_tier": "Platinum",
            "kind": "promotion",
            "reason": REASON,
            "channel_manager_id": channel_manager.pk,
        },
    )
    DomainEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - age)
    return event


def test_sweeper_dispatches_events_left_pending_and_is_safe_to_run_twice(
    managed_partner, channel_manager, audience, django_capture_on_commit_callbacks
):
    old = pending_event(managed_partner, channel_manager)
    fresh = pending_event(managed_partner, channel_manager, age=timedelta(0))

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_pending_events.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_pending_events.delay().get() == 0

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.dispatched_at is not None
    assert fresh.dispatched_at is None, "a just-recorded event is left to its own dispatch"
    assert Notification.objects.filter(event=old).count() == len(audience)
    assert len(mail.outbox) == len(audience)


@pytest.fixture
def flaky_event():
    """A test-only event type with two subscribers: one that works and one that fails until told not to."""
    name = "test.flaky_downstream"
    register_event_type(name, category="partners", description="Test only.", public=False)
    state = {"fail": True, "steady_calls": 0, "flaky_calls": 0, "error": RuntimeError("downstream is down")}

    def steady(event):
        state["steady_calls"] += 1

    def flaky(event):
        state["flaky_calls"] += 1
        # Work done before the failure must roll back with it.
        Notification.objects.create(user=state["user"], event=event, category="partners", title="half done")
        if state["fail"]:
            raise state["error"]

    on_event(name)(steady)
    on_event(name)(flaky)
    state["name"] = name
    yield state
    events._SUBSCRIBERS.pop(name, None)
    events.EVENT_TYPES.pop(name, None)


def test_failing_subscriber_leaves_the_event_pending_with_its_error(flaky_event, partner, partner_admin):
    flaky_event["user"] = partner_admin
    event = record_event(flaky_event["name"], partner=partner)

    with pytest.raises(RuntimeError):
        dispatch(event.pk)

    event.refresh_from_db()
    assert event.dispatched_at is None
    assert "flaky" in event.last_error and "downstream is down" in event.last_error
    assert event.attempts == 1
    assert not Notification.objects.exists(), "the failed handler's own writes rolled back"


def test_retry_after_a_failure_reruns_only_the_handlers_that_did_not_finish(
    flaky_event, partner, partner_admin, django_capture_on_commit_callbacks
):
    flaky_event["user"] = partner_admin
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            event = record_event(flaky_event["name"], partner=partner)
    # The inline (eager) dispatch failed; the event waits for the sweeper.
    event.refresh_from_db()
    assert event.dispatched_at is None and event.last_error
    assert flaky_event["steady_calls"] == 1 and flaky_event["flaky_calls"] == 1

    flaky_event["fail"] = False
    DomainEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert dispatch_pending_events() == 1

    event.refresh_from_db()
    assert event.dispatched_at is not None and event.last_error == "" and event.attempts == 2
    assert flaky_event["steady_calls"] == 1, "a handler that finished is not run again"
    assert flaky_event["flaky_calls"] == 2
    assert Notification.objects.filter(event=event).count() == 1


def test_an_integrity_error_of_a_handlers_own_work_is_kept_as_the_events_error(flaky_event, partner, partner_admin):
    flaky_event["user"] = partner_admin
    flaky_event["error"] = IntegrityError("duplicate key value violates unique constraint")
    event = record_event(flaky_event["name"], partner=partner)

    with pytest.raises(IntegrityError):
        dispatch(event.pk)

    event.refresh_from_db()
    assert event.dispatched_at is None
    assert "duplicate key" in event.last_error


def test_sweeper_keeps_going_past_an_event_that_fails(
    flaky_event, managed_partner, channel_manager, partner_admin, django_capture_on_commit_callbacks
):
    flaky_event["user"] = partner_admin
    poison = record_event(flaky_event["name"], partner=managed_partner)
    DomainEvent.objects.filter(pk=poison.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    healthy = pending_event(managed_partner, channel_manager, age=timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_pending_events() == 1

    poison.refresh_from_db()
    healthy.refresh_from_db()
    assert poison.dispatched_at is None and "downstream is down" in poison.last_error
    assert healthy.dispatched_at is not None
    assert Notification.objects.filter(event=healthy, user=partner_admin).exists()


def test_event_of_a_deleted_partner_is_dispatched_without_notifications(
    partner, channel_manager, django_capture_on_commit_callbacks
):
    event = pending_event(partner, channel_manager)
    DomainEvent.objects.filter(pk=event.pk).update(partner=None)  # the partner row is gone (SET_NULL)

    dispatch(event.pk)

    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert not Notification.objects.exists()


def test_dispatch_of_an_unknown_event_id_does_nothing(db):
    dispatch(987654321)
    assert not DomainEvent.objects.exists()


def test_inactive_people_are_not_notified(
    managed_partner, channel_manager, program_admin, partner_admin, django_capture_on_commit_callbacks
):
    channel_manager.is_active = False
    channel_manager.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        promote(program_admin, managed_partner)

    assert list(Notification.objects.values_list("user", flat=True)) == [partner_admin.pk]
