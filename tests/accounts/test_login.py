"""Logging in through allauth: e-mail and password, throttling, and MFA for internal roles."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.accounts.conftest import totp_code, verify_email
from tests.factories import PASSWORD, InternalUserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def log_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def form_errors(response) -> str:
    return " ".join(str(error) for errors in response.context["form"].errors.values() for error in errors)


# --- e-mail and password --------------------------------------------------------------------------


def test_partner_user_logs_in_by_email_and_lands_on_the_partner_home(client, partner_user):
    verify_email(partner_user)
    response = log_in(client, "bob@acme.example")
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(response.url)
    assert home.status_code == 200
    assert "Acme Cloud Partners" in home.content.decode()
    assert int(client.session["_auth_user_id"]) == partner_user.pk


def test_email_is_matched_whatever_its_case(client, partner_user):
    verify_email(partner_user)
    response = log_in(client, "Bob@ACME.example")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == partner_user.pk


def test_wrong_password_shows_an_error_and_does_not_log_in(client, partner_user):
    verify_email(partner_user)
    response = log_in(client, "bob@acme.example", "not-the-password")
    assert response.status_code == 200
    assert "not correct" in form_errors(response)
    assert "_auth_user_id" not in client.session


def test_deactivated_user_cannot_log_in(client, partner_user):
    verify_email(partner_user)
    partner_user.is_active = False
    partner_user.save()
    response = log_in(client, "bob@acme.example")
    assert response.status_code == 302
    assert response.url == reverse("account_inactive")
    assert "_auth_user_id" not in client.session
    assert client.get("/").templates[0].name == "portal/landing.html"


def test_after_ten_failed_attempts_the_eleventh_is_refused_even_with_the_right_password(client, partner_user):
    verify_email(partner_user)
    for _ in range(10):
        response = log_in(client, "bob@acme.example", "guess-again-123")
        assert "not correct" in form_errors(response)
    response = log_in(client, "bob@acme.example")
    assert response.status_code == 200
    assert "Too many failed login attempts" in form_errors(response)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_changing_the_host_name_does_not_reset_the_failed_attempts(client, partner_user):
    verify_email(partner_user)
    for host in ["localhost"] * 5 + ["127.0.0.1"] * 5:
        client.post(LOGIN, {"login": "bob@acme.example", "password": "guess-again-123"}, HTTP_HOST=host)
    response = log_in(client, "bob@acme.example")  # as testserver
    assert "Too many failed login attempts" in form_errors(response)


def test_failed_attempts_for_one_email_do_not_lock_out_another(client, partner_user, partner_admin):
    verify_email(partner_admin)
    for _ in range(10):
        log_in(client, "bob@acme.example", "guess-again-123")
    response = log_in(client, "alice@acme.example")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == partner_admin.pk


def test_failures_spread_over_many_addresses_are_refused_from_the_thirty_first(client, partner_user):
    verify_email(partner_user)
    for n in range(30):
        response = log_in(client, f"guess{n % 4}@acme.example", "guess-again-123")
        assert "not correct" in form_errors(response)
    response = log_in(client, "bob@acme.example")
    # allauth's per-address limits (30 login posts a minute, 30 failures in 15 minutes) answer 429 here.
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- MFA for internal roles -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/partners/"])
def test_internal_user_without_an_authenticator_is_sent_to_set_one_up(client_for, path):
    user = InternalUserFactory(with_mfa=False)
    response = client_for(user).get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_the_mfa_redirect_keeps_the_whole_requested_address(client_for):
    from urllib.parse import parse_qs, urlsplit

    user = InternalUserFactory(with_mfa=False)
    response = client_for(user).get("/partners/?region=emea&tier=2")
    assert parse_qs(urlsplit(response.url).query)["next"] == ["/partners/?region=emea&tier=2"]


def test_internal_user_without_an_authenticator_may_open_only_the_set_up(client_for):
    user = InternalUserFactory(with_mfa=False, role=Role.FINANCE)
    client = client_for(user)
    response = client.get(reverse("account_change_password"))  # other account pages wait for the set-up
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    response = client.get(reverse("mfa_activate_totp"))
    # allauth may ask to re-enter the password first; either way it stays on the set-up's pages.
    assert response.status_code == 200 or response.url.startswith(reverse("account_reauthenticate"))


def test_internal_user_without_an_authenticator_is_not_logged_in_for_the_session_api(client_for):
    user = InternalUserFactory(with_mfa=False)
    response = client_for(user).get("/api/v1/partners/")
    assert response.status_code == 401


def test_partner_user_without_an_authenticator_is_never_sent_to_mfa_setup(client_for, partner_user, partner):
    client = client_for(partner_user)
    assert client.get("/").status_code == 200
    response = client.get("/partners/")
    assert response.status_code == 302
    assert response.url == reverse("partners:detail", args=[partner.pk])
    assert client.get(response.url).status_code == 200


def test_internal_user_with_an_authenticator_reaches_the_pages(client_for, channel_manager):
    response = client_for(channel_manager).get("/partners/")
    assert response.status_code == 200


def test_mfa_waiver_is_honoured_only_while_debug_is_on(client_for, settings):
    user = InternalUserFactory(with_mfa=False, mfa_waived=True)
    settings.DEBUG = False
    assert user.mfa_required
    client = client_for(user)
    assert client.get("/partners/").status_code == 302
    settings.DEBUG = True
    assert not user.mfa_required
    assert client.get("/partners/").status_code == 200


def test_internal_user_is_asked_for_the_code_after_the_password_and_then_reaches_home(client, channel_manager):
    verify_email(channel_manager)
    response = log_in(client, "manager@example.com")
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not logged in before the second factor
    assert client.get("/").templates[0].name == "portal/landing.html"

    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(channel_manager)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == channel_manager.pk
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "portal/home_internal.html" in [t.name for t in home.templates]


def test_a_wrong_code_keeps_the_internal_user_logged_out(client, channel_manager):
    verify_email(channel_manager)
    log_in(client, "manager@example.com")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert "_auth_user_id" not in client.session
