"""docs/api.md: Webhooks. Program admins only; create/list/delete, the delivery log, redelivery, idempotency."""

import pytest
from rest_framework.test import APIClient

from accounts.models import TokenScope
from accounts.services import create_api_token
from integrations import services
from integrations.events import fan_out_webhooks
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from prm.models import DomainEvent
from tests.integrations import webhooks_receiver

pytestmark = pytest.mark.django_db

receiver = webhooks_receiver.receiver  # the local HTTP receiver fixture

URL = "/api/v1/webhooks/"
BODY = {"url": "https://hooks.example.com/prm", "events": ["deal.won", "deal.lost"]}


def token_client(user, scope=TokenScope.READ_WRITE):
    _, secret = create_api_token(user=user, name="test", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_program_admin_creates_a_webhook_and_gets_its_secret_once(api_for, program_admin):
    api = api_for(program_admin)
    response = api.post(URL, BODY, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert set(created) == {"id", "url", "events", "status", "secret"}
    assert created["status"] == "active" and created["events"] == ["deal.won", "deal.lost"]
    assert WebhookSubscription.objects.get(pk=created["id"]).secret == created["secret"]

    listed = api.get(URL).json()
    assert listed["count"] == 1 and {"next", "previous", "results"} <= set(listed)
    assert "secret" not in listed["results"][0]
    assert created["secret"] not in str(listed)
    assert "secret" not in api.get(f"{URL}{created['id']}/").json()


def test_a_secret_given_by_the_caller_is_used(api_for, program_admin):
    response = api_for(program_admin).post(URL, {**BODY, "secret": "my-own-secret-of-some-length"}, format="json")
    assert response.status_code == 201
    assert response.json()["secret"] == "my-own-secret-of-some-length"


def test_unknown_events_get_400_naming_them(api_for, program_admin):
    response = api_for(program_admin).post(URL, {**BODY, "events": ["deal.won", "deal.teleported"]}, format="json")
    assert response.status_code == 400
    assert "deal.teleported" in response.json()["events"][0]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"events": ["deal.won"]}, "url"),
        ({"url": "https://hooks.example.com/x"}, "events"),
        ({"url": "https://hooks.example.com/x", "events": []}, "events"),
        ({"url": "https://hooks.example.com/x", "events": "deal.won"}, "events"),
        ({"url": "https://hooks.example.com/x", "events": [{"a": 1}]}, "events"),
        ({"url": "gopher://hooks.example.com/x", "events": ["deal.won"]}, "url"),
        ({"url": "https://hooks.example.com/x", "events": ["deal.won"], "secret": "short"}, "secret"),
        ({"url": ["x"], "events": ["deal.won"]}, "url"),
    ],
)
def test_bad_input_gets_400_on_the_field(api_for, program_admin, body, field):
    response = api_for(program_admin).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_loopback_url_gets_400_when_debug_is_off(api_for, program_admin, settings):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    response = api_for(program_admin).post(URL, {**BODY, "url": "http://127.0.0.1:8000/x"}, format="json")
    assert response.status_code == 400 and "url" in response.json()


@pytest.mark.parametrize("role_fixture", ["partner_admin", "partner_user", "channel_manager", "finance_user"])
def test_other_roles_get_403(request, api_for, program_admin, role_fixture):
    subscription, _ = services.create_subscription(user=program_admin, **BODY)
    api = api_for(request.getfixturevalue(role_fixture))
    # A webhook is outside every partner's tenancy: partner users get 404 on it (prm/tenancy.py), others 403.
    on_object = 404 if role_fixture.startswith("partner") else 403
    assert api.get(URL).status_code == 403
    assert api.post(URL, BODY, format="json").status_code == 403
    assert api.delete(f"{URL}{subscription.pk}/").status_code == on_object
    assert api.get(f"{URL}{subscription.pk}/deliveries/").status_code == on_object
    assert WebhookSubscription.objects.count() == 1


def test_anonymous_callers_get_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, BODY, format="json").status_code == 401
    assert api_client.post(f"{URL}deliveries/1/redeliver/").status_code == 401


def test_delete_answers_204_and_unknown_ids_404(api_for, program_admin):
    subscription, _ = services.create_subscription(user=program_admin, **BODY)
    api = api_for(program_admin)
    assert api.delete(f"{URL}{subscription.pk}/").status_code == 204
    assert not WebhookSubscription.objects.exists()
    assert api.delete(f"{URL}{subscription.pk}/").status_code == 404
    assert api.get(f"{URL}999999/deliveries/").status_code == 404
    assert api.post(f"{URL}deliveries/999999/redeliver/").status_code == 404


def test_the_delivery_log_and_a_redelivery(
    receiver, api_for, program_admin, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    receiver.answer(500)
    subscription, _ = services.create_subscription(user=program_admin, url=receiver.url, events=["deal.won"])
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_webhooks(DomainEvent.objects.create(name="deal.won", payload={"deal_id": 1}))
    api = api_for(program_admin)
    with django_assert_max_num_queries(9):  # the attempts of the page's deliveries: one query
        log = api.get(f"{URL}{subscription.pk}/deliveries/").json()
    assert log["count"] == 1
    row = log["results"][0]
    assert {"id", "event", "status_code", "duration_ms", "attempt", "created_at"} <= set(row)
    assert row["event"] == "deal.won" and row["status_code"] == 500 and row["attempt"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{URL}deliveries/{row['id']}/redeliver/")
    assert response.status_code == 202
    copy = WebhookDelivery.objects.get(pk=response.json()["id"])
    assert copy.redelivery_of_id == row["id"] and copy.status == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 2
    assert api.get(f"{URL}{subscription.pk}/deliveries/").json()["count"] == 2
    # django-filter on the log: by status and status code; a bad value is a 400 on the field.
    assert api.get(f"{URL}{subscription.pk}/deliveries/?status=succeeded").json()["count"] == 1
    assert api.get(f"{URL}{subscription.pk}/deliveries/?status_code=500").json()["count"] == 1
    assert api.get(f"{URL}{subscription.pk}/deliveries/?event=deal.lost").json()["count"] == 0
    bad = api.get(f"{URL}{subscription.pk}/deliveries/?status=exploded")
    assert bad.status_code == 400 and "status" in bad.json()
    assert api.get(f"{URL}?status=paused").json()["count"] == 0
    assert api.get(f"{URL}?status=active").json()["count"] == 1


def test_redelivering_for_a_paused_webhook_gets_409(api_for, program_admin):
    subscription, _ = services.create_subscription(user=program_admin, **BODY)
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event_name="deal.won", body="{}", status=DeliveryStatus.FAILED
    )
    api = api_for(program_admin)
    assert api.post(f"{URL}{subscription.pk}/pause/").json()["status"] == "paused"
    response = api.post(f"{URL}deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 409 and response.json()["code"] == "webhook_paused"
    assert api.post(f"{URL}{subscription.pk}/pause/").status_code == 409
    assert api.post(f"{URL}{subscription.pk}/resume/").json()["status"] == "active"


def test_the_same_idempotency_key_creates_one_webhook(program_admin):
    client = token_client(program_admin)
    first = client.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="create-hook-1")
    again = client.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="create-hook-1")
    assert first.status_code == 201
    # The signing secret is shown once: the repeat creates nothing and does not show it again.
    assert again.status_code == 409 and again.json()["code"] == "secret_not_replayable"
    assert first.json()["secret"] not in again.content.decode()
    assert WebhookSubscription.objects.count() == 1


def test_a_read_only_token_may_list_but_not_create(program_admin):
    client = token_client(program_admin, scope=TokenScope.READ)
    assert client.get(URL).status_code == 200
    assert client.post(URL, BODY, format="json").status_code == 403
    assert not WebhookSubscription.objects.exists()


def test_the_list_is_paginated_with_a_bounded_number_of_queries(api_for, program_admin, django_assert_max_num_queries):
    for index in range(12):
        services.create_subscription(user=program_admin, url=f"https://hooks.example.com/{index}", events=["deal.won"])
    api = api_for(program_admin)
    with django_assert_max_num_queries(8):
        page = api.get(URL, {"page_size": 50}).json()
    assert page["count"] == 12 and len(page["results"]) == 12
    page = api.get(URL, {"page_size": 5}).json()
    assert len(page["results"]) == 5 and page["next"]
