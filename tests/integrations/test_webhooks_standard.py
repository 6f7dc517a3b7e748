"""Standard Webhooks signing (checked with the `standardwebhooks` library's verifier), the attempt log, and
the delivery-time URL checks: embedded IPv4 forms, and one resolution pinned for the connection."""

import base64
import json
import socket
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from integrations import destinations, services, signing
from integrations.events import fan_out_webhooks
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookDeliveryAttempt
from integrations.tasks import retry_due_deliveries
from prm.models import DomainEvent
from tests.integrations import webhooks_receiver

pytestmark = pytest.mark.django_db

receiver = webhooks_receiver.receiver  # the local HTTP receiver fixture


def an_event(name="deal.won"):
    return DomainEvent.objects.create(name=name, payload={"deal_id": 7, "amount": "1250.00"})


def send_one(program_admin, url, django_capture_on_commit_callbacks, secret=""):
    subscription, secret = services.create_subscription(user=program_admin, url=url, events=["deal.won"], secret=secret)
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    return subscription, secret


# --- Standard Webhooks ----------------------------------------------------------------------------------


def test_a_generated_secret_verifies_with_the_standardwebhooks_library(
    receiver, program_admin, django_capture_on_commit_callbacks
):
    subscription, secret = send_one(program_admin, receiver.url, django_capture_on_commit_callbacks)
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32

    request = receiver.requests[0]
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload == json.loads(request.body) and payload["event"] == "deal.won"
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert request.headers["webhook-id"] == f"msg_{delivery.pk}"
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert request.headers["webhook-signature"].startswith("v1,")
    # The legacy header is still sent, unchanged, for receivers written against it.
    assert request.headers["X-PRM-Signature"] == signing.sign(secret, request.body)


def test_a_secret_chosen_by_the_admin_verifies_as_its_utf8_bytes(
    receiver, program_admin, django_capture_on_commit_callbacks
):
    secret = "my-own-secret-of-some-length"
    send_one(program_admin, receiver.url, django_capture_on_commit_callbacks, secret=secret)
    request = receiver.requests[0]
    assert Webhook(secret.encode()).verify(request.body, request.headers)["event"] == "deal.won"


def test_the_signature_binds_body_id_and_timestamp(receiver, program_admin, django_capture_on_commit_callbacks):
    _, secret = send_one(program_admin, receiver.url, django_capture_on_commit_callbacks)
    request = receiver.requests[0]
    verifier = Webhook(secret)
    with pytest.raises(WebhookVerificationError):
        verifier.verify(request.body.replace(b"1250.00", b"9999.00"), request.headers)
    with pytest.raises(WebhookVerificationError):
        verifier.verify(request.body, {**request.headers, "webhook-id": "msg_999999"})
    # A captured delivery re-sent later with a fresh timestamp no longer matches its signature ...
    fresh = str(int(request.headers["webhook-timestamp"]) + 1)
    with pytest.raises(WebhookVerificationError):
        verifier.verify(request.body, {**request.headers, "webhook-timestamp": fresh})
    with pytest.raises(WebhookVerificationError):
        Webhook(services.generate_secret()).verify(request.body, request.headers)


def test_a_delivery_signed_ten_minutes_ago_is_refused_as_a_replay(program_admin):
    subscription, secret = services.create_subscription(
        user=program_admin, url="https://hooks.example.com/prm", events=["deal.won"]
    )
    delivery = WebhookDelivery.objects.create(subscription=subscription, event_name="deal.won", body='{"id":1}')
    now = int(time.time())
    # ... and the original headers, kept as they were, are refused once they are older than the tolerance.
    fresh = signing.delivery_headers(subscription, delivery, timestamp=now)
    assert Webhook(secret).verify(delivery.body, fresh) == {"id": 1}
    old = signing.delivery_headers(subscription, delivery, timestamp=now - 600)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(delivery.body, old)


def test_retries_and_redeliveries_keep_the_webhook_id_with_a_new_timestamp_and_signature(
    receiver, program_admin, django_capture_on_commit_callbacks
):
    receiver.answer(500, 200)
    subscription, secret = send_one(program_admin, receiver.url, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    time.sleep(1.05)  # a later second, so the retry's timestamp differs
    retry_due_deliveries()
    with django_capture_on_commit_callbacks(execute=True):
        services.redeliver(user=program_admin, delivery=delivery)
    first, retry, redelivery = receiver.requests
    assert first.headers["webhook-id"] == retry.headers["webhook-id"] == redelivery.headers["webhook-id"]
    assert first.headers["webhook-timestamp"] != retry.headers["webhook-timestamp"]
    assert first.headers["webhook-signature"] != retry.headers["webhook-signature"]
    for request in (retry, redelivery):
        Webhook(secret).verify(request.body, request.headers)


def test_a_secret_that_is_whsec_but_not_base64_is_used_as_its_bytes():
    assert signing.signing_key("whsec_" + base64.b64encode(b"k" * 24).decode()) == b"k" * 24
    assert signing.signing_key("whsec_not-base64_at_all!") == b"whsec_not-base64_at_all!"
    assert signing.signing_key("plain-secret-of-length") == b"plain-secret-of-length"


# --- the attempt log -----------------------------------------------------------------------------------


def test_every_attempt_is_logged_under_its_delivery(
    receiver, program_admin, api_for, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    receiver.answer(500, 200)
    subscription, _ = send_one(program_admin, receiver.url, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    retry_due_deliveries()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempt == 2

    first, second = WebhookDeliveryAttempt.objects.filter(delivery=delivery).order_by("number")
    assert (first.number, first.status_code, first.succeeded, first.error) == (1, 500, False, "HTTP 500")
    assert (second.number, second.status_code, second.succeeded, second.error) == (2, 200, True, "")
    assert first.duration_ms is not None and second.duration_ms is not None
    assert first.started_at < second.started_at and first.response_excerpt == "receiver is down"

    api = api_for(program_admin)
    # Other deliveries with attempts: the log's queries do not grow with its rows.
    for _ in range(5):
        other = WebhookDelivery.objects.create(subscription=subscription, event_name="deal.won", body="{}", attempt=1)
        WebhookDeliveryAttempt.objects.create(delivery=other, number=1, started_at=timezone.now(), status_code=502)
    with django_assert_max_num_queries(9):
        log = api.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()
    row = next(r for r in log["results"] if r["id"] == delivery.pk)
    assert [(a["number"], a["status_code"], a["succeeded"], a["error"]) for a in row["attempts"]] == [
        (1, 500, False, "HTTP 500"),
        (2, 200, True, ""),
    ]
    listed = api.get(f"/api/v1/webhooks/deliveries/{delivery.pk}/attempts/")
    assert listed.status_code == 200
    assert listed.json()["count"] == 2
    assert [a["status_code"] for a in listed.json()["results"]] == [500, 200]
    assert set(listed.json()["results"][0]) == {
        "id",
        "delivery",
        "number",
        "started_at",
        "status_code",
        "duration_ms",
        "succeeded",
        "error",
    }

    page = client_for(program_admin).get(subscription.get_absolute_url())
    assert page.status_code == 200
    assert page.content.count(b'data-testid="delivery-attempt"') == 7
    assert b"HTTP 500" in page.content


def test_an_unsent_attempt_is_logged_with_its_reason(
    receiver, program_admin, settings, django_capture_on_commit_callbacks
):
    subscription, _ = services.create_subscription(
        user=program_admin, url=receiver.url.replace("127.0.0.1", "localhost"), events=["deal.won"]
    )
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    attempt = WebhookDeliveryAttempt.objects.get(delivery__subscription=subscription)
    assert attempt.status_code is None and not attempt.succeeded and "private address" in attempt.error


@pytest.mark.parametrize("role_fixture", ["partner_admin", "partner_user", "channel_manager", "finance_user"])
def test_only_program_admins_read_attempts(request, api_for, program_admin, role_fixture):
    subscription, _ = services.create_subscription(
        user=program_admin, url="https://hooks.example.com/prm", events=["deal.won"]
    )
    delivery = WebhookDelivery.objects.create(subscription=subscription, event_name="deal.won", body="{}")
    api = api_for(request.getfixturevalue(role_fixture))
    # Outside every partner's tenancy: partner users get 404 (prm/tenancy.py), other roles 403.
    expected = 404 if role_fixture.startswith("partner") else 403
    assert api.get(f"/api/v1/webhooks/deliveries/{delivery.pk}/attempts/").status_code == expected
    assert api_for(program_admin).get("/api/v1/webhooks/deliveries/999999/attempts/").status_code == 404


# --- URL checks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://[::ffff:7f00:1]/hook",  # IPv4-mapped 127.0.0.1, hex form
        "http://[::ffff:a00:1]/hook",  # IPv4-mapped 10.0.0.1
        "http://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",  # NAT64 of 169.254.169.254
        "http://[64:ff9b:1::a00:1]/hook",  # local-use NAT64 of 10.0.0.1
        "http://[::7f00:1]/hook",  # IPv4-compatible 127.0.0.1
        "http://[2002:7f00:1::1]/hook",  # 6to4 of 127.0.0.1
        "http://127.1/hook",
        "http://2130706433/hook",
        "http://0x7f000001/hook",
        "http://0177.0.0.1/hook",
    ],
)
def test_embedded_and_legacy_forms_of_private_addresses_are_refused(settings, program_admin, url):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    with pytest.raises(ValidationError) as caught:
        services.create_subscription(user=program_admin, url=url, events=["deal.won"])
    assert "url" in caught.value.message_dict


@pytest.mark.parametrize(
    "url",
    [
        "https://[64:ff9b::808:808]/hook",  # NAT64 of 8.8.8.8
        "https://[::ffff:808:808]/hook",  # IPv4-mapped 8.8.8.8
        "https://[2606:4700::1111]/hook",
        "https://8.8.8.8/hook",
    ],
)
def test_public_ipv6_forms_are_accepted(settings, program_admin, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    subscription, _ = services.create_subscription(user=program_admin, url=url, events=["deal.won"])
    assert subscription.url == url


class FakeDns:
    """Answers `name` with the queued addresses (the last one repeats); every other host resolves as usual."""

    def __init__(self, monkeypatch, name, *answers):
        self.name, self.answers, self.lookups = name, list(answers), 0
        self.real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host, port, *args, **kwargs):
        if host != self.name:
            return self.real(host, port, *args, **kwargs)
        self.lookups += 1
        address = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "::ffff:7f00:1", "10.0.0.8"])
def test_a_name_resolving_to_an_embedded_private_address_is_not_sent(
    receiver, program_admin, settings, monkeypatch, django_capture_on_commit_callbacks, address
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    subscription, _ = services.create_subscription(
        user=program_admin, url="http://hooks.example.test/prm", events=["deal.won"]
    )
    FakeDns(monkeypatch, "hooks.example.test", address)
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.RETRYING and "private address" in delivery.error
    assert receiver.requests == []


def test_the_connection_goes_to_the_address_that_was_checked(
    receiver, program_admin, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """DNS rebinding: the name answers a checked address first and another one afterwards. The delivery
    resolves once and connects to the checked address, with the URL's host name in the Host header."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    url = f"http://rebind.example.test:{port}/hooks"
    subscription, _ = services.create_subscription(user=program_admin, url=url, events=["deal.won"])
    # For this test, 127.0.0.1 (the receiver) counts as the public address; 127.0.0.2 is the rebound one,
    # which nothing listens on.
    real_check = destinations._is_public_address
    monkeypatch.setattr(destinations, "_is_public_address", lambda a: a == "127.0.0.1" or real_check(a))
    dns = FakeDns(monkeypatch, "rebind.example.test", "127.0.0.1", "127.0.0.2")
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(an_event())
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.SUCCEEDED, delivery.error
    assert dns.lookups == 1
    assert receiver.requests[0].headers["Host"] == f"rebind.example.test:{port}"


def test_https_connections_keep_the_host_name_for_sni_and_the_certificate_check():
    adapter = destinations.PinnedAdapter("203.0.113.7")
    pool = adapter.poolmanager.connection_from_url("https://hooks.example.com:8443/prm")
    connection = pool._new_conn()  # not connected yet: urllib3 connects on the first request
    assert connection.host == "hooks.example.com" and connection.pinned_address == "203.0.113.7"
    assert type(connection).__mro__[1].__name__ == "HTTPSConnection"


def test_the_migration_logs_the_last_attempt_of_older_deliveries(program_admin):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("integrations.migrations.0002_delivery_attempts")
    subscription, _ = services.create_subscription(
        user=program_admin, url="https://hooks.example.com/prm", events=["deal.won"]
    )
    tried = WebhookDelivery.objects.create(
        subscription=subscription,
        event_name="deal.won",
        body="{}",
        attempt=3,
        status=DeliveryStatus.RETRYING,
        status_code=503,
        duration_ms=120,
        error="HTTP 503",
        last_attempt_at=timezone.now(),
    )
    WebhookDelivery.objects.create(subscription=subscription, event_name="deal.won", body="{}")  # never tried
    migration.keep_the_last_attempt(apps, None)
    attempt = WebhookDeliveryAttempt.objects.get()
    assert (attempt.delivery_id, attempt.number, attempt.status_code, attempt.succeeded, attempt.error) == (
        tried.pk,
        3,
        503,
        False,
        "HTTP 503",
    )
