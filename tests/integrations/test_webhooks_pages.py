"""The webhook pages: list + create (secret shown once), detail with the delivery log, actions, roles."""

import pytest
from django.utils import timezone

from integrations import services
from integrations.models import DeliveryStatus, SubscriptionStatus, WebhookDelivery, WebhookSubscription
from tests.integrations import webhooks_receiver

pytestmark = pytest.mark.django_db

receiver = webhooks_receiver.receiver  # the local HTTP receiver fixture

LIST = "/integrations/webhooks/"


def make_subscription(user, url="https://hooks.example.com/prm"):
    subscription, _ = services.create_subscription(user=user, url=url, events=["deal.won", "deal.lost"])
    return subscription


def log_rows(subscription, count, **fields):
    return [
        WebhookDelivery.objects.create(
            subscription=subscription,
            event_name="deal.won",
            body="{}",
            attempt=1,
            status_code=200,
            duration_ms=42,
            status=DeliveryStatus.SUCCEEDED,
            **fields,
        )
        for _ in range(count)
    ]


def test_program_admin_creates_a_webhook_and_sees_the_secret_only_once(client_for, program_admin):
    client = client_for(program_admin)
    page = client.get(LIST)
    assert page.status_code == 200
    assert b'name="events" value="deal.won"' in page.content and b'type="checkbox"' in page.content

    response = client.post(LIST, {"url": "https://hooks.example.com/prm", "events": ["deal.won", "deal.lost"]})
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["deal.won", "deal.lost"] and subscription.created_by == program_admin
    assert subscription.secret.encode() in response.content
    assert b'data-testid="webhook-secret"' in response.content

    again = client.get(LIST)
    assert subscription.secret.encode() not in again.content
    assert subscription.secret.encode() not in client.get(subscription.get_absolute_url()).content


@pytest.mark.parametrize(
    "data, message",
    [
        ({"url": "ftp://hooks.example.com/x", "events": ["deal.won"]}, b"Use an https://"),
        ({"url": "https://hooks.example.com/x"}, b"This field is required"),
        ({"url": "https://hooks.example.com/x", "events": ["deal.stolen"]}, b"Select a valid choice"),
        ({"url": "https://hooks.example.com/x", "events": ["deal.won"], "secret": "short"}, b"at least 16"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(client_for, program_admin, data, message):
    response = client_for(program_admin).post(LIST, data)
    assert response.status_code == 400
    assert message in response.content
    assert not WebhookSubscription.objects.exists()


def test_loopback_urls_are_refused_on_the_page_when_debug_is_off(client_for, program_admin, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    response = client_for(program_admin).post(LIST, {"url": "http://localhost:8000/x", "events": ["deal.won"]})
    assert response.status_code == 400 and b"Loopback" in response.content


def test_the_list_filters_and_exports_csv(client_for, program_admin):
    active = make_subscription(program_admin, "https://one.example.com/a")
    paused = make_subscription(program_admin, "https://two.example.com/b")
    services.pause_subscription(user=program_admin, subscription=paused)
    client = client_for(program_admin)
    filtered = client.get(LIST, {"status": "paused"})
    assert b"two.example.com" in filtered.content and b"one.example.com" not in filtered.content
    export = client.get(LIST, {"export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    body = b"".join(export.streaming_content).decode()
    assert active.url in body and paused.url in body and active.secret not in body


def test_the_delivery_log_shows_status_code_response_time_and_attempts(
    client_for, program_admin, django_assert_max_num_queries
):
    subscription = make_subscription(program_admin)
    log_rows(subscription, 60)
    WebhookDelivery.objects.create(
        subscription=subscription,
        event_name="deal.lost",
        body="{}",
        attempt=3,
        status_code=503,
        duration_ms=1234,
        status=DeliveryStatus.RETRYING,
        next_attempt_at=timezone.now(),
        error="HTTP 503",
    )
    client = client_for(program_admin)
    with django_assert_max_num_queries(14):
        page = client.get(subscription.get_absolute_url())
    assert page.status_code == 200
    assert page.context["paginator"].count == 61 and len(page.context["object_list"]) == 50
    assert b"1234 ms" in page.content and b"503" in page.content
    assert page.content.count(b'data-testid="redeliver"') == 50

    retrying = client.get(subscription.get_absolute_url(), {"status": "retrying"})
    assert retrying.context["paginator"].count == 1
    by_event = client.get(subscription.get_absolute_url(), {"event": "deal.lost"})
    assert by_event.context["paginator"].count == 1

    export = client.get(subscription.get_absolute_url(), {"export": "csv", "status": "retrying"})
    lines = b"".join(export.streaming_content).decode().strip().splitlines()
    assert len(lines) == 2 and "503" in lines[1] and "1234" in lines[1]


def test_redeliver_button_sends_again_as_a_new_delivery(
    receiver, client_for, program_admin, django_capture_on_commit_callbacks
):
    subscription = make_subscription(program_admin, receiver.url)
    original = WebhookDelivery.objects.create(
        subscription=subscription, event_name="deal.won", body='{"id":1}', status=DeliveryStatus.FAILED, attempt=5
    )
    client = client_for(program_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/integrations/webhooks/deliveries/{original.pk}/redeliver/")
    assert response.status_code == 302 and response["Location"] == subscription.get_absolute_url()
    copy = WebhookDelivery.objects.get(redelivery_of=original)
    assert copy.status == DeliveryStatus.SUCCEEDED and copy.attempt == 1
    assert [r.body for r in receiver.requests] == [b'{"id":1}']


def test_pause_resume_and_delete(client_for, program_admin):
    subscription = make_subscription(program_admin)
    client = client_for(program_admin)
    base = subscription.get_absolute_url()
    assert client.post(f"{base}pause/").status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PAUSED
    assert b'data-testid="resume-webhook"' in client.get(base).content
    client.post(f"{base}resume/")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    response = client.post(f"{base}delete/")
    assert response.status_code == 302 and response["Location"] == LIST
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("role_fixture", ["partner_admin", "partner_user", "channel_manager", "finance_user"])
def test_other_roles_get_403(request, client_for, program_admin, role_fixture):
    subscription = make_subscription(program_admin)
    delivery = log_rows(subscription, 1)[0]
    client = client_for(request.getfixturevalue(role_fixture))
    # A webhook is outside every partner's tenancy: partner users get 404 on it (prm/tenancy.py), others 403.
    on_object = 404 if role_fixture.startswith("partner") else 403
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"url": "https://x.example.com/", "events": ["deal.won"]}).status_code == 403
    assert client.get(subscription.get_absolute_url()).status_code == on_object
    assert client.post(f"{subscription.get_absolute_url()}delete/").status_code == on_object
    assert client.post(f"/integrations/webhooks/deliveries/{delivery.pk}/redeliver/").status_code == on_object
    assert WebhookSubscription.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_ids_and_actions_are_404_or_403(client_for, program_admin):
    subscription = make_subscription(program_admin)
    client = client_for(program_admin)
    assert client.get("/integrations/webhooks/999999/").status_code == 404
    assert client.post("/integrations/webhooks/999999/pause/").status_code == 404
    assert client.post("/integrations/webhooks/deliveries/999999/redeliver/").status_code == 404
    assert client.post(f"{subscription.get_absolute_url()}explode/").status_code == 403


def test_program_admins_see_the_webhooks_link(client_for, program_admin, channel_manager):
    assert b'href="/integrations/webhooks/"' in client_for(program_admin).get("/").content
    assert b'href="/integrations/webhooks/"' not in client_for(channel_manager).get("/").content
