"""Every anonymous limit counts the real client (prm/clientip.py, docs/proxies.md): X-Forwarded-For written by
a client never opens a fresh bucket, and behind one trusted proxy clients are counted one by one.

And the login limits: failures for other e-mails from one address never refuse another account's right
password (and second factor); the account's own limit and the per-address flood limit still hold.
"""

import itertools
import time
import types

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.urls import reverse

from partners.models import Application
from tests.accounts.conftest import totp_code, verify_email
from tests.factories import PASSWORD
from tests.partners.factories import application_data

pytestmark = pytest.mark.django_db

CLIENT_A, CLIENT_B, PROXY = "198.51.100.10", "198.51.100.20", "10.0.0.1"
LIMIT = 2
LOGIN = reverse("account_login")
TOKEN = "/api/v1/auth/token/"
_spoofs = itertools.count(1)


def spoofed() -> str:
    """A fresh made-up address each call: a client rotating X-Forwarded-For to look like many clients."""
    n = next(_spoofs)
    return f"203.0.113.{n % 250 + 1}, 192.0.2.{n % 200 + 1}"


# Each anonymous limit: how to send one request, and the status of an allowed one (a refused one is 429).
def apply_api(client, **headers):
    data = application_data(company_name=f"Initech {next(_spoofs)}")
    return client.post("/api/v1/applications/", data, content_type="application/json", **headers).status_code


def apply_page(client, **headers):
    return client.post("/partner-with-us/", application_data(company_name=f"Initech {next(_spoofs)}"), **headers)


def check_receipt_api(client, **headers):
    return client.post("/api/v1/receipts/verify/", {}, content_type="application/json", **headers)


def check_receipt_page(client, **headers):
    return client.post("/receipts/verify/", {"receipt": "{}"}, **headers)


def log_in_page(client, **headers):
    return client.post(LOGIN, {"login": f"nobody{next(_spoofs)}@acme.example", "password": "wrong-guess-1"}, **headers)


def token_api(client, **headers):
    body = {"email": f"nobody{next(_spoofs)}@acme.example", "password": "wrong-guess-1"}
    return client.post(TOKEN, body, content_type="application/json", **headers)


LIMITS = {
    "applications API": (apply_api, 201),
    "partner-with-us page": (apply_page, 302),
    "receipt check API": (check_receipt_api, 200),
    "receipt check page": (check_receipt_page, 200),
    "login page": (log_in_page, 200),
    "token API": (token_api, 400),
}


def status_of(result) -> int:
    return result if isinstance(result, int) else result.status_code


@pytest.fixture
def low_limits(settings):
    """Each limit at LIMIT requests (the rates' own windows: an hour or a minute)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon_form": f"{LIMIT}/hour",
            "receipt_verify": f"{LIMIT}/hour",
        },
    }
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": f"{LIMIT}/m/ip"}


@pytest.fixture
def proxies(settings):
    def set_count(count):
        settings.TRUSTED_PROXY_COUNT = count
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return set_count


@pytest.mark.parametrize("name", LIMITS)
def test_without_a_proxy_x_forwarded_for_does_not_bypass_the_limit(client, low_limits, proxies, name):
    send, allowed = LIMITS[name]
    proxies(0)
    statuses = [status_of(send(client, REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR=spoofed())) for _ in range(LIMIT)]
    assert statuses == [allowed] * LIMIT
    # Rotating the header, or naming another client in it, is still the same client.
    for forwarded in [spoofed(), spoofed(), CLIENT_B, f"{CLIENT_B}, {CLIENT_B}"]:
        assert status_of(send(client, REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR=forwarded)) == 429
    # Another client is counted on its own.
    assert status_of(send(client, REMOTE_ADDR=CLIENT_B)) == allowed


@pytest.mark.parametrize("name", LIMITS)
def test_behind_one_proxy_each_client_is_counted_and_spoofed_hops_are_ignored(client, low_limits, proxies, name):
    send, allowed = LIMITS[name]
    proxies(1)

    def via_proxy(real_client):
        # The client wrote made-up hops; the trusted proxy appended the address it saw.
        return status_of(send(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{spoofed()}, {real_client}"))

    assert [via_proxy(CLIENT_A) for _ in range(LIMIT)] == [allowed] * LIMIT
    assert [via_proxy(CLIENT_A) for _ in range(3)] == [429] * 3
    # Everyone shares the proxy's REMOTE_ADDR, yet client B has its own budget.
    assert [via_proxy(CLIENT_B) for _ in range(LIMIT)] == [allowed] * LIMIT
    assert via_proxy(CLIENT_B) == 429


def test_the_api_limit_counts_an_anonymous_caller_by_the_real_client(proxies):
    # No route lets an anonymous caller reach the general API limit today (permissions answer 401 first);
    # should one appear, it counts the client like the other limits.
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from rest_framework.request import Request

    from prm.api import UserApiThrottle

    proxies(1)
    raw = RequestFactory().get("/api/v1/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{spoofed()}, {CLIENT_A}")
    request = Request(raw)
    request.user = AnonymousUser()
    assert UserApiThrottle().get_cache_key(request, None) == f"throttle_user_{CLIENT_A}"


# --- recorded addresses ------------------------------------------------------------------------------------


def test_an_application_records_the_real_client_not_a_spoofed_hop(client, proxies):
    proxies(0)
    client.post("/api/v1/applications/", application_data(), content_type="application/json",
                REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR="192.0.2.99")  # fmt: skip
    proxies(1)
    client.post("/partner-with-us/", application_data(company_name="Globex"),
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.99, {CLIENT_B}")  # fmt: skip
    assert dict(Application.objects.values_list("company_name", "ip_address")) == {
        "Initech Solutions": CLIENT_A,
        "Globex": CLIENT_B,
    }


def test_an_agreement_acceptance_records_the_real_client(client_for, partner_admin, partner, proxies):
    proxies(1)
    response = client_for(partner_admin).post(
        reverse("partners:lifecycle", args=[partner.pk, "accept-agreement"]),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"192.0.2.99, {CLIENT_A}",
    )
    assert response.status_code == 302
    assert partner.agreement_acceptances.get().ip_address == CLIENT_A


# --- login: an address under attack, an account that is not ---------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """allauth's rate-limit clock, advanced by hand: failures spread over minutes take no real time."""
    now = [time.time()]
    fake = types.SimpleNamespace(time=lambda: now[0], monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr(allauth_ratelimit, "time", fake)

    def advance(seconds):
        now[0] += seconds

    return advance


ATTACK = 45  # failures from one address: above the old 30-per-address lockout, within its 15 minutes


def attack(client, clock, send_failure):
    """ATTACK failed logins for other e-mails from CLIENT_A, 2.5 s apart (under the 30 a minute flood limit)."""
    for n in range(ATTACK):
        clock(2.5)
        response = send_failure(n)
        assert response.status_code in (200, 400), response.status_code  # a wrong password, never throttled


def test_failures_for_other_emails_do_not_refuse_a_partner_users_right_password(client, clock, partner_user):
    verify_email(partner_user)
    attack(client, clock, lambda n: client.post(LOGIN, {"login": f"guess{n}@acme.example", "password": "nope-123"},
                                                REMOTE_ADDR=CLIENT_A))  # fmt: skip
    clock(2.5)
    response = client.post(LOGIN, {"login": "bob@acme.example", "password": PASSWORD}, REMOTE_ADDR=CLIENT_A)
    assert response.status_code == 302 and response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == partner_user.pk


def test_failures_for_other_emails_do_not_refuse_an_internal_users_password_and_code(client, clock, channel_manager):
    verify_email(channel_manager)
    attack(client, clock, lambda n: client.post(LOGIN, {"login": f"guess{n}@example.com", "password": "nope-123"},
                                                REMOTE_ADDR=CLIENT_A))  # fmt: skip
    clock(2.5)
    response = client.post(LOGIN, {"login": "manager@example.com", "password": PASSWORD}, REMOTE_ADDR=CLIENT_A)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    clock(2.5)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(channel_manager)}, REMOTE_ADDR=CLIENT_A)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == channel_manager.pk


def test_failures_for_other_emails_do_not_refuse_a_token_for_the_right_password_and_code(
    api_client, clock, partner_user, channel_manager
):
    def fail(n):
        body = {"email": f"guess{n}@acme.example", "password": "nope-123"}
        return api_client.post(TOKEN, body, format="json", REMOTE_ADDR=CLIENT_A)

    attack(api_client, clock, fail)
    clock(2.5)
    response = api_client.post(TOKEN, {"email": "bob@acme.example", "password": PASSWORD}, format="json",
                               REMOTE_ADDR=CLIENT_A)  # fmt: skip
    assert response.status_code == 200 and response.json()["token"]
    clock(2.5)
    body = {"email": "manager@example.com", "password": PASSWORD, "otp": totp_code(channel_manager)}
    response = api_client.post(TOKEN, body, format="json", REMOTE_ADDR=CLIENT_A)
    assert response.status_code == 200 and response.json()["token"]


def test_an_account_under_attack_stays_locked_whatever_the_address(client, clock, partner_user):
    verify_email(partner_user)
    for n in range(10):
        clock(2.5)
        client.post(LOGIN, {"login": "bob@acme.example", "password": "nope-123"}, REMOTE_ADDR=f"198.51.100.{n + 1}")
    response = client.post(LOGIN, {"login": "bob@acme.example", "password": PASSWORD}, REMOTE_ADDR=CLIENT_B)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_flood_of_logins_from_one_address_is_refused_from_the_thirty_first_in_a_minute(client, partner_user):
    verify_email(partner_user)
    for n in range(30):
        response = client.post(LOGIN, {"login": f"guess{n}@acme.example", "password": "nope-123"}, REMOTE_ADDR=CLIENT_A)
        assert response.status_code == 200
    response = client.post(LOGIN, {"login": "bob@acme.example", "password": PASSWORD}, REMOTE_ADDR=CLIENT_A)
    assert response.status_code == 429
    response = client.post(LOGIN, {"login": "bob@acme.example", "password": PASSWORD}, REMOTE_ADDR=CLIENT_B)
    assert response.status_code == 302


def test_a_flood_of_token_requests_from_one_address_is_refused_too(api_client, partner_user):
    for n in range(30):
        body = {"email": f"guess{n}@acme.example", "password": "nope-123"}
        assert api_client.post(TOKEN, body, format="json", REMOTE_ADDR=CLIENT_A).status_code == 400
    body = {"email": "bob@acme.example", "password": PASSWORD}
    response = api_client.post(TOKEN, body, format="json", REMOTE_ADDR=CLIENT_A)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert api_client.post(TOKEN, body, format="json", REMOTE_ADDR=CLIENT_B).status_code == 200
