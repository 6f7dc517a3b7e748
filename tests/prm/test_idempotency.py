"""Idempotency-Key on API POSTs (API.md: Conventions)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from prm.idempotency import purge_expired_keys
from prm.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for():
    """Session-authenticated clients: the middleware sees the caller as a real request would."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient(enforce_csrf_checks=False)
        client.force_login(user)
        return client

    return make


TOKENS = "/api/v1/tokens/"


def test_a_repeat_with_the_same_key_returns_the_first_response_and_does_nothing(api_for, partner_user):
    api = api_for(partner_user)
    first = api.post(TOKENS, {"name": "CRM sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post(TOKENS, {"name": "CRM sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()  # the same secret, shown again, not a second token
    assert second["Idempotent-Replayed"] == "true"
    assert ApiToken.objects.filter(user=partner_user, name="CRM sync").count() == 1


def test_the_same_key_with_another_body_is_refused_with_422(api_for, partner_user):
    api = api_for(partner_user)
    api.post(TOKENS, {"name": "CRM sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = api.post(TOKENS, {"name": "Something else"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert ApiToken.objects.filter(user=partner_user).count() == 1


def test_keys_are_per_user(api_for, partner_user, partner_admin):
    api_for(partner_user).post(TOKENS, {"name": "one"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    response = api_for(partner_admin).post(TOKENS, {"name": "two"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=partner_admin, name="two").exists()


def test_a_request_still_running_with_the_key_gets_409(api_for, partner_user):
    import hashlib

    body = b'{"name":"slow"}'
    IdempotencyRecord.objects.create(
        user=partner_user,
        key="busy",
        method="POST",
        path=TOKENS,
        request_hash=hashlib.sha256(TOKENS.encode() + b"\n" + body).hexdigest(),
    )
    response = api_for(partner_user).post(TOKENS, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"


def test_validation_errors_are_replayed_too(api_for, partner_user):
    api = api_for(partner_user)
    first = api.post(TOKENS, {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="bad")
    second = api.post(TOKENS, {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="bad")
    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()


def test_requests_without_a_key_are_not_deduplicated(api_for, partner_user):
    api = api_for(partner_user)
    api.post(TOKENS, {"name": "a"}, format="json")
    api.post(TOKENS, {"name": "a"}, format="json")
    assert ApiToken.objects.filter(user=partner_user, name="a").count() == 2


def test_token_login_ignores_the_key(api_client, partner_user):
    from tests.factories import PASSWORD

    body = {"email": partner_user.email, "password": PASSWORD}
    first = api_client.post("/api/v1/auth/token/", body, format="json", HTTP_IDEMPOTENCY_KEY="login")
    second = api_client.post("/api/v1/auth/token/", body, format="json", HTTP_IDEMPOTENCY_KEY="login")
    assert first.status_code == second.status_code == 200
    assert first.json()["token"] != second.json()["token"]
    assert not IdempotencyRecord.objects.exists()


def test_token_callers_get_replays_keyed_to_the_token_owner(api_client, partner_user):
    from accounts.services import create_api_token

    _, secret = create_api_token(user=partner_user, name="integration")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    first = api_client.post(TOKENS, {"name": "via token"}, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    second = api_client.post(TOKENS, {"name": "via token"}, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert first.status_code == 201 and second.json() == first.json()
    assert IdempotencyRecord.objects.get(key="t-1").user == partner_user


def test_a_key_longer_than_255_characters_is_a_400(api_for, partner_user):
    response = api_for(partner_user).post(TOKENS, {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400


def test_keys_are_forgotten_after_24_hours(api_for, partner_user):
    api = api_for(partner_user)
    api.post(TOKENS, {"name": "old"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_expired_keys() == 1
    response = api.post(TOKENS, {"name": "new body"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert response.status_code == 201
