"""Webhook deliveries against a real local HTTP receiver: signing, retries, pausing, idempotency, SSRF."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from integrations import services
from integrations.events import fan_out_webhooks
from integrations.models import DeliveryStatus, SubscriptionStatus, WebhookDelivery
from integrations.tasks import deliver, retry_due_deliveries
from prm.models import AuditEntry, DomainEvent, Notification
from tests.factories import InternalUserFactory
from tests.integrations import webhooks_receiver
from tests.partners.factories import application_data

pytestmark = pytest.mark.django_db

receiver = webhooks_receiver.receiver  # the local HTTP receiver fixture


def subscribe(user, url, events=("deal.won",), secret="a-long-enough-secret-for-tests"):
    subscription, _ = services.create_subscription(user=user, url=url, events=list(events), secret=secret)
    return subscription


def an_event(name="deal.won", **payload):
    return DomainEvent.objects.create(name=name, payload=payload or {"deal_id": 7, "amount": "1250.00"})


def expected_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_submitted_application_reaches_the_receiver_signed_over_the_raw_body(
    receiver, program_admin, api_client, django_capture_on_commit_callbacks
):
    subscription = subscribe(program_admin, receiver.url, events=["application.submitted"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/applications/", application_data(), format="json")
    assert response.status_code == 201

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.headers["X-PRM-Signature"] == expected_signature(subscription.secret, request.body)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-PRM-Event"] == "application.submitted"
    document = json.loads(request.body)
    assert set(document) == {"id", "event", "created_at", "data"}
    assert document["event"] == "application.submitted"
    assert document["data"]["application_id"] == response.json()["id"]
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert request.headers["X-PRM-Delivery"] == str(delivery.pk)
    assert document["id"] == delivery.event_id
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.status_code == 200 and delivery.duration_ms is not None and delivery.attempt == 1
    assert delivery.body.encode() == request.body  # the stored body is exactly what was signed and sent


def test_a_wrong_secret_does_not_verify(receiver, program_admin, django_capture_on_commit_callbacks):
    subscribe(program_admin, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    request = receiver.requests[0]
    assert request.headers["X-PRM-Signature"] != expected_signature("another-secret-entirely", request.body)
    tampered = request.body.replace(b"1250.00", b"9999.00")
    assert request.headers["X-PRM-Signature"] != expected_signature("a-long-enough-secret-for-tests", tampered)


def test_a_generated_secret_is_long_and_returned_once(program_admin):
    subscription, secret = services.create_subscription(
        user=program_admin, url="https://hooks.example.com/prm", events=["deal.won"]
    )
    assert secret.startswith("whsec_") and len(secret) > 30
    assert subscription.secret == secret


def test_a_receiver_answering_500_then_200_is_retried_with_back_off_then_succeeds(
    receiver, program_admin, django_capture_on_commit_callbacks
):
    receiver.answer(500, 200)
    subscription = subscribe(program_admin, receiver.url)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())

    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.status_code == 500 and delivery.attempt == 1
    assert before + timedelta(seconds=10) < delivery.next_attempt_at < before + timedelta(seconds=30)
    subscription.refresh_from_db()
    assert subscription.failing_since is not None
    assert len(receiver.requests) == 1

    # Not due yet: a duplicate message or the sweeper sends nothing.
    deliver(delivery.pk)
    assert retry_due_deliveries() == 0
    assert len(receiver.requests) == 1

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert retry_due_deliveries() == 1

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempt == 2 and delivery.status_code == 200 and delivery.delivered_at is not None
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body
    subscription.refresh_from_db()
    assert subscription.failing_since is None


def test_back_off_doubles_from_under_thirty_seconds_and_is_capped_at_an_hour():
    first = [services.retry_delay(1).total_seconds() for _ in range(50)]
    assert all(12 <= seconds <= 18 for seconds in first)
    assert all(24 <= services.retry_delay(2).total_seconds() <= 36 for _ in range(50))
    assert all(services.retry_delay(30).total_seconds() <= 3600 for _ in range(50))
    assert all(services.retry_delay(30).total_seconds() >= 0.8 * 3600 for _ in range(50))


def test_a_delivery_already_succeeded_is_not_sent_again(receiver, program_admin, django_capture_on_commit_callbacks):
    subscription = subscribe(program_admin, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))
    deliver(delivery.pk)
    retry_due_deliveries()
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.attempt == 1


def test_the_fan_out_run_twice_for_one_event_creates_one_delivery(
    receiver, program_admin, django_capture_on_commit_callbacks
):
    subscribe(program_admin, receiver.url)
    event = an_event()
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(event)
        fan_out_webhooks(event)
    assert WebhookDelivery.objects.filter(event=event).count() == 1
    assert len(receiver.requests) == 1


def test_only_active_subscriptions_listening_to_a_public_event_get_it(
    program_admin, django_capture_on_commit_callbacks
):
    listening = subscribe(program_admin, "https://hooks.example.com/a", events=["deal.won"])
    other_event = subscribe(program_admin, "https://hooks.example.com/b", events=["deal.lost"])
    paused = subscribe(program_admin, "https://hooks.example.com/c", events=["deal.won"])
    services.pause_subscription(user=program_admin, subscription=paused)

    created = services.fan_out_event(event=an_event())
    assert [d.subscription_id for d in created] == [listening.pk]
    assert not WebhookDelivery.objects.filter(subscription__in=[other_event, paused]).exists()
    # An event outside the public list is never sent, whatever the subscriptions.
    assert services.fan_out_event(event=an_event("user.joined")) == []


def test_failing_for_a_day_pauses_the_webhook_and_notifies_program_admins_once(
    receiver, program_admin, django_capture_on_commit_callbacks
):
    second_admin = InternalUserFactory(role="program_admin", email="second-admin@example.com")
    receiver.answer(500, 500, 500)
    subscription = subscribe(program_admin, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    waiting = WebhookDelivery.objects.create(
        subscription=subscription, event_name="deal.won", body="{}", next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    failing = WebhookDelivery.objects.get(subscription=subscription, status=DeliveryStatus.RETRYING)
    subscription.failing_since = timezone.now() - timedelta(hours=24, minutes=1)
    subscription.save(update_fields=["failing_since"])
    WebhookDelivery.objects.filter(pk=failing.pk).update(next_attempt_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        retry_due_deliveries()
        retry_due_deliveries()  # a second sweep finds nothing to send or announce

    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PAUSED and subscription.paused_at is not None
    failing.refresh_from_db()
    waiting.refresh_from_db()
    assert failing.status == DeliveryStatus.FAILED and failing.attempt == 2
    assert waiting.status == DeliveryStatus.ABANDONED
    assert len(receiver.requests) == 2
    for admin in (program_admin, second_admin):
        notices = Notification.objects.filter(user=admin, title__startswith="Webhook paused")
        assert notices.count() == 1
        assert notices.get().url == f"/integrations/webhooks/{subscription.pk}/"
    assert DomainEvent.objects.filter(name="webhook.paused").count() == 1
    assert AuditEntry.objects.filter(action="webhook_paused", object_id=subscription.pk).count() == 1

    # New events no longer queue deliveries for it, and a late duplicate message sends nothing.
    assert services.fan_out_event(event=an_event()) == []
    deliver(failing.pk)
    assert len(receiver.requests) == 2


def test_failing_for_less_than_a_day_keeps_retrying(receiver, program_admin, django_capture_on_commit_callbacks):
    receiver.answer(500, 500)
    subscription = subscribe(program_admin, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    subscription.failing_since = timezone.now() - timedelta(hours=23)
    subscription.save(update_fields=["failing_since"])
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    retry_due_deliveries()
    subscription.refresh_from_db()
    delivery = WebhookDelivery.objects.get()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempt == 2
    assert delivery.next_attempt_at - delivery.last_attempt_at > timedelta(seconds=20)  # the second back-off step
    assert not Notification.objects.filter(title__startswith="Webhook paused").exists()


def test_an_unreachable_receiver_is_a_failed_attempt_with_the_error_logged(
    program_admin, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    subscription = subscribe(program_admin, "http://127.0.0.1:9/nothing-listens-here")
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.status_code is None and "ConnectionError" in delivery.error


def test_redelivery_sends_the_same_body_as_a_new_delivery(receiver, program_admin, django_capture_on_commit_callbacks):
    subscription = subscribe(program_admin, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    original = WebhookDelivery.objects.get(subscription=subscription)
    with django_capture_on_commit_callbacks(execute=True):
        copy = services.redeliver(user=program_admin, delivery=original)
    copy.refresh_from_db()
    assert copy.pk != original.pk and copy.redelivery_of_id == original.pk
    assert copy.status == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body
    assert receiver.requests[1].headers["X-PRM-Delivery"] == str(copy.pk)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "https://api.localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_loopback_and_private_urls_are_refused_when_debug_is_off(settings, program_admin, url):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    with pytest.raises(ValidationError) as caught:
        services.create_subscription(user=program_admin, url=url, events=["deal.won"])
    assert "url" in caught.value.message_dict


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://hooks.example.com/x", "https://"),
        ("https://user:pass@hooks.example.com/x", "credentials"),
        ("https:///no-host", "host"),
        ("https://hooks.example.com:99999/x", "valid URL"),
        ("", "Enter the URL"),
    ],
)
def test_bad_urls_are_refused_with_a_message(program_admin, url, message):
    with pytest.raises(ValidationError) as caught:
        services.create_subscription(user=program_admin, url=url, events=["deal.won"])
    assert message in " ".join(caught.value.message_dict["url"])


def test_a_host_resolving_to_loopback_is_refused_at_delivery_time(
    receiver, program_admin, settings, django_capture_on_commit_callbacks
):
    subscription = subscribe(program_admin, receiver.url.replace("127.0.0.1", "localhost"))
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False  # e.g. a public name that now points at a private address
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert receiver.requests == []
    assert delivery.status == DeliveryStatus.RETRYING and "private address" in delivery.error


def test_unknown_events_are_named_in_the_error(program_admin):
    with pytest.raises(ValidationError) as caught:
        services.create_subscription(
            user=program_admin, url="https://hooks.example.com/x", events=["deal.won", "deal.stolen", "user.joined"]
        )
    assert caught.value.message_dict["events"] == ["Unknown events: deal.stolen, user.joined."]


@pytest.mark.parametrize("role_fixture", ["partner_admin", "channel_manager", "finance_user"])
def test_only_program_admins_may_subscribe(request, role_fixture):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_subscription(
            user=request.getfixturevalue(role_fixture), url="https://hooks.example.com/x", events=["deal.won"]
        )
