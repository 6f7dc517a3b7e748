"""The API tokens page (/accounts/tokens/): own tokens only, the secret shown once, revoke with a POST."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, hash_secret
from accounts.services import create_api_token
from tests.factories import InternalUserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"


def test_a_user_creates_a_read_only_token_and_sees_the_secret_only_once(client_for, partner_user):
    client = client_for(partner_user)
    assert client.get(PAGE).status_code == 200
    response = client.post(PAGE, {"name": "CRM sync", "scope": "read"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=partner_user)
    assert token.name == "CRM sync" and token.scope == "read"
    secret = response.context["secret"]
    assert secret.encode() in response.content and hash_secret(secret) == token.key_hash
    assert b"only this once" in response.content

    again = client.get(PAGE)
    assert secret.encode() not in again.content
    assert b"CRM sync" in again.content

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/me/").status_code == 200
    assert api.post("/api/v1/tokens/", {"name": "x"}, format="json").status_code == 403  # read-only


@pytest.mark.parametrize(
    "data, field", [({"name": "", "scope": "read"}, "name"), ({"name": "CRM", "scope": "admin"}, "scope")]
)
def test_bad_input_is_shown_next_to_the_field(client_for, partner_user, data, field):
    response = client_for(partner_user).post(PAGE, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ApiToken.objects.exists()


def test_the_list_shows_only_the_users_own_tokens(
    client_for, partner_user, partner_admin, django_assert_max_num_queries
):
    for index in range(5):
        create_api_token(user=partner_user, name=f"mine-{index}")
    create_api_token(user=partner_admin, name="the-admins-token")
    client = client_for(partner_user)
    with django_assert_max_num_queries(10):
        page = client.get(PAGE)
    assert page.context["paginator"].count == 5
    assert b"mine-4" in page.content and b"the-admins-token" not in page.content
    export = b"".join(client.get(PAGE, {"export": "csv"}).streaming_content).decode()
    assert "mine-0" in export and "the-admins-token" not in export


def test_revoking_a_token_makes_it_fail_with_401(client_for, partner_user):
    token, secret = create_api_token(user=partner_user, name="old")
    client = client_for(partner_user)
    page = client.get(PAGE)
    assert b'data-confirm="Revoke' in page.content
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == PAGE
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/me/").status_code == 401
    revoked = client.get(PAGE, {"state": "revoked"})
    assert revoked.context["paginator"].count == 1 and b"Revoked" in revoked.content
    assert client.get(PAGE, {"state": "active"}).context["paginator"].count == 0


def test_another_users_token_cannot_be_revoked_404(client_for, partner_user, other_partner_user, program_admin):
    token, _ = create_api_token(user=other_partner_user, name="theirs")
    assert client_for(partner_user).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert client_for(program_admin).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_a_post(client_for, partner_user):
    token, _ = create_api_token(user=partner_user, name="x")
    assert client_for(partner_user).get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_internal_users_set_up_mfa_before_creating_tokens(client_for):
    manager = InternalUserFactory(email="no-mfa@example.com", with_mfa=False)
    client = client_for(manager)
    response = client.post(PAGE, {"name": "sneaky", "scope": "read_write"})
    assert response.status_code == 302 and "next=" in response["Location"]
    assert not ApiToken.objects.exists()


def test_internal_users_with_mfa_manage_their_tokens(client_for, channel_manager):
    response = client_for(channel_manager).post(PAGE, {"name": "BI export", "scope": "read_write"})
    assert response.status_code == 200
    assert ApiToken.objects.get().user == channel_manager


def test_the_user_menu_links_to_the_page(client_for, partner_user):
    assert b'href="/accounts/tokens/"' in client_for(partner_user).get("/").content
