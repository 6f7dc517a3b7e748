"""Idempotency-Key on API POSTs (docs/api.md: Conventions)."""

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


def test_a_repeat_of_a_token_creation_does_nothing_and_never_shows_the_secret_again(api_for, partner_user):
    api = api_for(partner_user)
    first = api.post(TOKENS, {"name": "CRM sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post(TOKENS, {"name": "CRM sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "secret_not_replayable"
    assert first.json()["token"] not in second.content.decode()
    assert ApiToken.objects.filter(user=partner_user, name="CRM sync").count() == 1
    record = IdempotencyRecord.objects.get(key="k-1")
    assert record.status_code == 201
    assert first.json()["token"].encode() not in bytes(record.response_body)
    assert first.json()["token"] not in record.content_type


def test_a_secret_stored_by_an_older_version_is_not_replayed_and_is_wiped(api_for, partner_user):
    import hashlib

    body = b'{"name":"legacy"}'
    IdempotencyRecord.objects.create(
        user=partner_user,
        key="legacy",
        method="POST",
        path=TOKENS,
        request_hash=hashlib.sha256(TOKENS.encode() + b"\n" + body).hexdigest(),
        status_code=201,
        content_type="application/json",
        response_body=b'{"id": 1, "name": "legacy", "scope": "read_write", "token": "prm_secret"}',
    )
    response = api_for(partner_user).post(TOKENS, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="legacy")
    assert response.status_code == 409
    assert response.json()["code"] == "secret_not_replayable"
    assert b"prm_secret" not in bytes(IdempotencyRecord.objects.get(key="legacy").response_body)


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
    assert first.status_code == 201 and second.status_code == 409
    assert ApiToken.objects.filter(name="via token").count() == 1
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


def test_a_repeat_of_a_webhook_creation_does_not_show_its_signing_secret_again(api_for, program_admin):
    from integrations.models import WebhookSubscription

    api = api_for(program_admin)
    body = {"url": "https://hooks.example.com/prm", "events": ["deal.won"]}
    first = api.post("/api/v1/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="hook-1")
    again = api.post("/api/v1/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="hook-1")
    assert first.status_code == 201, first.json()
    assert again.status_code == 409 and again.json()["code"] == "secret_not_replayable"
    assert WebhookSubscription.objects.count() == 1
    assert first.json()["secret"].encode() not in bytes(IdempotencyRecord.objects.get(key="hook-1").response_body)


def test_every_response_field_that_holds_a_secret_is_withheld_from_replays():
    """A POST whose success response has a secret-like field must name it in SECRET_FIELDS, so its replay is
    refused rather than the secret stored and shown again."""
    import re

    from drf_spectacular.generators import SchemaGenerator

    from prm.idempotency import SECRET_FIELDS

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    secret_like = re.compile(r"(^|_)(token|secret|password|credential|api_key|private_key)s?($|_)")
    found = {}
    for path, operations in schema["paths"].items():
        for code, response in operations.get("post", {}).get("responses", {}).items():
            if not code.startswith("2"):
                continue
            for content in response.get("content", {}).values():
                body = content["schema"]
                if "$ref" in body:
                    body = components[body["$ref"].rsplit("/", 1)[-1]]
                for field in body.get("properties", {}):
                    if secret_like.search(field):
                        found.setdefault(field, []).append(path)
    assert {"token", "secret"} <= set(found)  # the API tokens and the webhooks' signing secrets
    unlisted = {field: paths for field, paths in found.items() if field not in SECRET_FIELDS}
    assert not unlisted, f"add these secret fields to prm.idempotency.SECRET_FIELDS: {unlisted}"
