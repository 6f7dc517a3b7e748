"""Identity and tokens (docs/api.md): POST /auth/token/, GET /me/, /tokens/."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from accounts.services import create_api_token
from prm.models import AuditEntry
from tests.accounts.conftest import totp_code
from tests.factories import PASSWORD, InternalUserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"
TOKENS_URL = "/api/v1/tokens/"


def with_token(secret: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


def obtain(api_client, email, password=PASSWORD, **extra):
    return api_client.post(TOKEN_URL, {"email": email, "password": password, **extra}, format="json")


# --- POST /auth/token/ ----------------------------------------------------------------------------


def test_partner_user_exchanges_email_and_password_for_a_token(api_client, partner_user):
    response = obtain(api_client, "bob@acme.example")
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    token = response.json()["token"]
    stored = ApiToken.objects.get(user=partner_user)
    assert stored.key_hash != token and token not in (stored.prefix, stored.name)  # only the hash is kept
    assert with_token(token).get(ME_URL).status_code == 200


def test_email_is_matched_whatever_its_case_for_a_token(api_client, partner_user):
    assert obtain(api_client, "BOB@Acme.Example").status_code == 200


def test_wrong_password_gets_400_and_no_token(api_client, partner_user):
    response = obtain(api_client, "bob@acme.example", "not-the-password")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


def test_unknown_email_gets_the_same_400_as_a_wrong_password(api_client, partner_user):
    unknown = obtain(api_client, "nobody@acme.example")
    wrong = obtain(api_client, "bob@acme.example", "not-the-password")
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.json() == wrong.json()


def test_missing_fields_get_400_field_errors(api_client):
    response = api_client.post(TOKEN_URL, {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"email", "password"}


def test_deactivated_user_gets_no_token(api_client, partner_user):
    partner_user.is_active = False
    partner_user.save()
    assert obtain(api_client, "bob@acme.example").status_code == 400


def test_internal_user_must_send_a_one_time_code(api_client, channel_manager):
    response = obtain(api_client, "manager@example.com")
    assert response.status_code == 400
    assert "otp" in response.json()
    assert not ApiToken.objects.exists()


def test_internal_user_with_a_wrong_code_gets_400_on_otp(api_client, channel_manager):
    response = obtain(api_client, "manager@example.com", otp="000000")
    assert response.status_code == 400
    assert "otp" in response.json()


def test_internal_user_with_the_current_code_gets_a_token(api_client, channel_manager):
    response = obtain(api_client, "manager@example.com", otp=totp_code(channel_manager))
    assert response.status_code == 200
    body = with_token(response.json()["token"]).get(ME_URL).json()
    assert body["role"] == "channel_manager" and body["partner"] is None


def test_a_one_time_code_works_only_once(api_client, channel_manager):
    code = totp_code(channel_manager)
    assert obtain(api_client, "manager@example.com", otp=code).status_code == 200
    response = obtain(api_client, "manager@example.com", otp=code)
    assert response.status_code == 400
    assert "otp" in response.json()


def test_internal_user_may_use_a_recovery_code_once(api_client, channel_manager):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    code = RecoveryCodes.activate(channel_manager).get_unused_codes()[0]
    assert obtain(api_client, "manager@example.com", otp=code).status_code == 200
    assert obtain(api_client, "manager@example.com", otp=code).status_code == 400


def test_partner_user_who_turned_on_mfa_must_send_a_code_too(api_client, partner_user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(partner_user, generate_totp_secret())
    response = obtain(api_client, "bob@acme.example")
    assert response.status_code == 400
    assert "otp" in response.json()
    assert obtain(api_client, "bob@acme.example", otp=totp_code(partner_user)).status_code == 200


def test_internal_user_without_mfa_set_up_gets_403(api_client):
    InternalUserFactory(with_mfa=False, role=Role.FINANCE, email="new-finance@example.com")
    response = obtain(api_client, "new-finance@example.com")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_mfa_waiver_lets_a_demo_account_get_a_token_only_while_debug_is_on(api_client, settings):
    InternalUserFactory(with_mfa=False, mfa_waived=True, email="demo-manager@example.com")
    settings.DEBUG = False
    assert obtain(api_client, "demo-manager@example.com").status_code == 403
    settings.DEBUG = True
    assert obtain(api_client, "demo-manager@example.com").status_code == 200


def test_eleventh_attempt_after_ten_failures_gets_429_with_retry_after_even_when_correct(api_client, partner_user):
    for _ in range(10):
        assert obtain(api_client, "bob@acme.example", "guess-again-123").status_code == 400
    response = obtain(api_client, "bob@acme.example")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "token" not in response.json()


def test_token_endpoint_refuses_an_address_after_thirty_failures_from_it(api_client, partner_user):
    for n in range(30):
        assert obtain(api_client, f"guess{n % 4}@acme.example", "guess-again-123").status_code == 400
    response = obtain(api_client, "bob@acme.example")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_failures_on_the_web_login_count_towards_the_token_endpoint(client, api_client, partner_user):
    for _ in range(10):
        client.post("/accounts/login/", {"login": "bob@acme.example", "password": "guess-again-123"})
    assert obtain(api_client, "bob@acme.example").status_code == 429


def test_guessing_one_time_codes_is_throttled_too(api_client, channel_manager):
    for _ in range(10):
        assert obtain(api_client, "manager@example.com", otp="000000").status_code == 400
    response = obtain(api_client, "manager@example.com", otp=totp_code(channel_manager))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_successful_logins_do_not_use_up_the_allowance(api_client, partner_user):
    for _ in range(12):
        assert obtain(api_client, "bob@acme.example").status_code == 200


# --- GET /me/ -------------------------------------------------------------------------------------


def test_me_describes_a_partner_user_and_their_partner(partner_user, partner):
    _, secret = create_api_token(user=partner_user, name="CRM")
    response = with_token(secret).get(ME_URL)
    assert response.status_code == 200
    assert response.json() == {
        "id": partner_user.pk,
        "email": "bob@acme.example",
        "role": "partner_user",
        "partner": {"id": partner.pk, "name": "Acme Cloud Partners", "tier": "Gold"},
    }


@pytest.mark.parametrize("role_fixture", ["channel_manager", "finance_user", "program_admin"])
def test_me_gives_internal_users_no_partner(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    _, secret = create_api_token(user=user, name="Scripts")
    body = with_token(secret).get(ME_URL).json()
    assert body == {"id": user.pk, "email": user.email, "role": user.role, "partner": None}


def test_me_without_credentials_gets_401(api_client):
    assert api_client.get(ME_URL).status_code == 401


@pytest.mark.parametrize("header", ["Token prm_not-a-real-token", "Token ", "Bearer abc", "Token a b"])
def test_me_with_a_bogus_token_gets_401(header, partner_user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get(ME_URL).status_code == 401


def test_token_of_a_deactivated_user_gets_401(partner_user):
    _, secret = create_api_token(user=partner_user, name="CRM")
    partner_user.is_active = False
    partner_user.save()
    assert with_token(secret).get(ME_URL).status_code == 401


def test_session_user_reads_me_too(client_for, partner_user):
    response = client_for(partner_user).get(ME_URL)
    assert response.status_code == 200
    assert response.json()["email"] == "bob@acme.example"


# --- /tokens/ -------------------------------------------------------------------------------------


def test_token_list_shows_only_the_callers_tokens_without_secrets(partner_user, partner_admin):
    own, secret = create_api_token(user=partner_user, name="CRM sync")
    create_api_token(user=partner_admin, name="Alice's script")
    response = with_token(secret).get(TOKENS_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == own.pk and row["name"] == "CRM sync" and row["scope"] == "read_write"
    assert "token" not in row and "key_hash" not in row
    assert secret not in response.content.decode()


def test_creating_a_token_returns_its_secret_once(api_for, partner_user):
    response = api_for(partner_user).post(TOKENS_URL, {"name": "Reporting", "scope": "read"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "scope", "token"}
    assert body["name"] == "Reporting" and body["scope"] == "read"
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == partner_user and token.scope == "read"
    assert AuditEntry.objects.filter(action="token_created", object_id=token.pk).exists()
    listed = api_for(partner_user).get(TOKENS_URL).json()["results"]
    assert body["token"] not in str(listed)


def test_read_token_may_read_but_not_write(partner_user):
    _, secret = create_api_token(user=partner_user, name="Reporting", scope="read")
    api = with_token(secret)
    assert api.get(ME_URL).status_code == 200
    assert api.get(TOKENS_URL).status_code == 200
    assert api.get("/api/v1/partners/").status_code == 200
    response = api.post(TOKENS_URL, {"name": "Escalation", "scope": "read_write"}, format="json")
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


def test_read_token_cannot_delete_tokens(partner_user):
    token, secret = create_api_token(user=partner_user, name="Reporting", scope="read")
    assert with_token(secret).delete(f"{TOKENS_URL}{token.pk}/").status_code == 403
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_read_write_token_may_create_tokens(partner_user):
    _, secret = create_api_token(user=partner_user, name="Admin script")
    response = with_token(secret).post(TOKENS_URL, {"name": "Second", "scope": "read_write"}, format="json")
    assert response.status_code == 201


def test_deleted_token_gets_401_from_then_on(partner_user):
    token, secret = create_api_token(user=partner_user, name="CRM")
    api = with_token(secret)
    assert api.delete(f"{TOKENS_URL}{token.pk}/").status_code == 204
    assert api.get(ME_URL).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="token_revoked", object_id=token.pk).exists()


def test_a_token_deleted_through_the_session_is_gone_from_the_list(api_for, partner_user):
    token, secret = create_api_token(user=partner_user, name="CRM")
    api = api_for(partner_user)
    assert api.delete(f"{TOKENS_URL}{token.pk}/").status_code == 204
    assert api.get(TOKENS_URL).json()["count"] == 0
    assert with_token(secret).get(ME_URL).status_code == 401
    assert api.delete(f"{TOKENS_URL}{token.pk}/").status_code == 404


def test_deleting_another_users_token_gets_404_and_leaves_it_working(api_for, partner_user, partner_admin):
    theirs, their_secret = create_api_token(user=partner_admin, name="Alice's")
    assert api_for(partner_user).delete(f"{TOKENS_URL}{theirs.pk}/").status_code == 404
    assert with_token(their_secret).get(ME_URL).status_code == 200


def test_even_a_program_admin_cannot_delete_someone_elses_token(api_for, program_admin, partner_user):
    theirs, _ = create_api_token(user=partner_user, name="Bob's")
    assert api_for(program_admin).delete(f"{TOKENS_URL}{theirs.pk}/").status_code == 404


def test_invalid_scope_gets_400_on_scope(api_for, partner_user):
    response = api_for(partner_user).post(TOKENS_URL, {"name": "X", "scope": "admin"}, format="json")
    assert response.status_code == 400
    assert "scope" in response.json()
    assert not ApiToken.objects.exists()


def test_missing_name_gets_400_on_name(api_for, partner_user):
    response = api_for(partner_user).post(TOKENS_URL, {"scope": "read"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_tokens_without_credentials_get_401(api_client):
    assert api_client.get(TOKENS_URL).status_code == 401
    assert api_client.post(TOKENS_URL, {"name": "x"}, format="json").status_code == 401


# --- malformed input never yields a 500 -----------------------------------------------------------


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"{not json", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"just a string"', "application/json"),
        (b"\xff\xfe\xfa", "application/json"),
        (b"[" * 5000 + b"]" * 5000, "application/json"),
        (b'{"email": {"a": 1}, "password": ["x"]}', "application/json"),
        (b'{"email": "bob@acme.example", "password": "' + b"x" * 100_000 + b'"}', "application/json"),
        (b'{"email": "' + b"a" * 500 + b'@acme.example", "password": "x"}', "application/json"),
        (b'{"email": "bob@acme.example", "password": 1e999999}', "application/json"),
    ],
)
def test_malformed_token_requests_get_400(api_client, partner_user, body, content_type):
    response = api_client.generic("POST", TOKEN_URL, body, content_type=content_type)
    assert response.status_code == 400


def test_a_form_encoded_token_request_is_refused_as_an_unsupported_media_type(api_client, partner_user):
    """The API reads JSON only (docs/api.md); a form body is a 415, never a 500 or a token."""
    body = b"email=bob%40acme.example&password=%ff"
    response = api_client.generic("POST", TOKEN_URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"name": {"x": 1}, "scope": ["read"]}',
        b'{"name": "' + b"n" * 500 + b'"}',
        b'{"name": "ok", "scope": 12345678901234567890123}',
    ],
)
def test_malformed_token_creations_get_400(api_for, partner_user, body):
    response = api_for(partner_user).generic("POST", TOKENS_URL, body, content_type="application/json")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("token_id", ["99999999999999999999999", "abc", "-1"])
def test_deleting_an_odd_token_id_is_404(api_for, partner_user, token_id):
    assert api_for(partner_user).delete(f"{TOKENS_URL}{token_id}/").status_code == 404
