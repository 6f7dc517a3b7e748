"""Security properties of the portal (issue 11), one test per property.

Headers and cookies are checked with the production settings (DEBUG off, a real SECRET_KEY) in a subprocess,
the way tests/prm/test_settings.py reads settings; behaviour that needs the database (MFA, throttling,
password policy, session expiry, uploads, the audit viewer) runs in-process.
"""

import json
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Role
from prm.audit import record_audit
from tests.accounts.conftest import verify_email
from tests.factories import PASSWORD, InternalUserFactory
from tests.prm.test_settings import IGNORE_DOT_ENV, PRODUCTION_SECRET, run_python

# A page and the login page fetched over HTTPS (and one over plain HTTP) with production settings.
# Static files are served by whitenoise's manifest storage in production; the test has no collectstatic
# run, so only that storage is swapped for the plain one.
PRODUCTION_RESPONSES = (
    IGNORE_DOT_ENV
    + """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings, setup_test_environment

setup_test_environment()
storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    client = Client()
    page = client.get("/healthz/", secure=True)
    login = client.get("/accounts/login/", secure=True)
    plain = client.get("/accounts/login/")
print(json.dumps({
    "page": dict(page.headers),
    "login": dict(login.headers),
    "login_status": login.status_code,
    "login_cookies": [morsel.output() for morsel in login.cookies.values()],
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "settings": {
        "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
        "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
        "SESSION_COOKIE_SAMESITE": settings.SESSION_COOKIE_SAMESITE,
        "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
        "CSRF_COOKIE_HTTPONLY": settings.CSRF_COOKIE_HTTPONLY,
        "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE,
    },
}))
"""
)


@pytest.fixture(scope="module")
def production():
    result = run_python(
        PRODUCTION_RESPONSES,
        DEBUG="false",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


# --- headers --------------------------------------------------------------------------------------


def test_csp_is_strict_with_no_inline_script_or_style(production):
    for response in (production["page"], production["login"]):
        csp = directives(response["Content-Security-Policy"])
        assert csp["script-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_hsts_over_https_and_plain_http_redirected(production):
    hsts = production["login"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert production["plain_status"] == 301
    assert production["plain_location"] == "https://testserver/accounts/login/"


def test_clickjacking_protection(production):
    for response in (production["page"], production["login"]):
        assert response["X-Frame-Options"] == "DENY"
        assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_nosniff_referrer_and_opener_policy(production):
    for response in (production["page"], production["login"]):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- cookies --------------------------------------------------------------------------------------


def test_production_cookie_settings(production):
    assert production["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_AGE": 12 * 60 * 60,
    }
    assert production["login_status"] == 200
    csrf = SimpleCookie("\n".join(production["login_cookies"]).replace("Set-Cookie: ", ""))["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


@pytest.mark.django_db
def test_session_cookie_from_a_real_login_is_secure_httponly_samesite_and_expires(settings, partner_user):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    verify_email(partner_user)
    login = reverse("account_login")
    # "Remember me": a persistent cookie that lives SESSION_COOKIE_AGE seconds.
    data = {"login": partner_user.email, "password": PASSWORD, "remember": "on"}
    response = Client().post(login, data, secure=True)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    # Without it: a browser-session cookie, and the server still ends the session after SESSION_COOKIE_AGE.
    client = Client()
    response = client.post(login, {"login": partner_user.email, "password": PASSWORD}, secure=True)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and not cookie["max-age"]
    expires = Session.objects.get(session_key=cookie.value).expire_date
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((expires - expected).total_seconds()) < 60


# --- MFA --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mfa_enforced_for_internal_user_without_totp_on_pages(client_for):
    user = InternalUserFactory(with_mfa=False, role=Role.PROGRAM_ADMIN)
    client = client_for(user)
    for path in ("/", "/audit/", "/partners/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("mfa_activate_totp")), path


@pytest.mark.django_db
def test_mfa_enforced_on_the_token_endpoint(api_client, channel_manager):
    response = api_client.post(
        "/api/v1/auth/token/", {"email": channel_manager.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400 and "otp" in response.json() and "token" not in response.json()
    InternalUserFactory(with_mfa=False, role=Role.FINANCE, email="nomfa@example.com")
    response = api_client.post("/api/v1/auth/token/", {"email": "nomfa@example.com", "password": PASSWORD})
    assert response.status_code in (400, 401, 403) and "token" not in response.json()


# --- throttling -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_throttled_from_the_eleventh_failed_attempt(client, partner_user):
    verify_email(partner_user)
    login = reverse("account_login")
    for _ in range(10):
        response = client.post(login, {"login": partner_user.email, "password": "wrong-password-123"})
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(login, {"login": partner_user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_api_throttled_with_429_and_retry_after(settings, partner_user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"},
    }
    _, secret = account_services.create_api_token(user=partner_user, name="throttle")
    api = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    assert [api.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]
    response = api.get("/api/v1/me/")
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60


# --- password policy ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [("Sh0rt!", "too short"), ("password123", "too common"), ("4829103857261", "entirely numeric")],
)
def test_password_policy_in_the_invitation_accept_flow(client, partner, partner_admin, password, message):
    _, token = account_services.invite_user(
        inviter=partner_admin, email="newbie@acme.example", role=Role.PARTNER_USER, partner=partner
    )
    url = reverse("accounts:accept_invitation", args=[token])
    response = client.post(url, {"first_name": "New", "last_name": "Bie", "password1": password, "password2": password})
    assert response.status_code == 400  # the form again, the reason next to the field
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session
    ok = client.post(url, {"first_name": "New", "last_name": "Bie", "password1": PASSWORD, "password2": PASSWORD})
    assert ok.status_code == 302


# --- session expiry --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_expired_session_goes_back_to_login(client_for, partner_user):
    client = client_for(partner_user)
    assert client.get(f"/partners/{partner_user.partner_id}/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(f"/partners/{partner_user.partner_id}/")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


# --- uploads ----------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_proof_download_is_an_attachment_with_nosniff(media, client_for, partner, partner_admin):
    from tests.mdf.factories import allocate, approved_request, pdf, submitted_claim

    allocate(partner, "5000.00")
    claim = submitted_claim(approved_request(partner), user=partner_admin, files=[pdf("proof.pdf")])
    proof = claim.proofs.get()
    response = client_for(partner_admin).get(reverse("mdf:proof_download", args=[proof.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("proof.html", b"<html><script>alert(1)</script></html>"),
        ("proof.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("proof.pdf", b"<html><script>alert(1)</script></html>"),  # HTML dressed up as a PDF
        ("proof.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ],
)
def test_html_and_svg_proof_uploads_are_refused(name, content):
    from mdf.files import check_proof_file

    with pytest.raises(ValidationError):
        check_proof_file(SimpleUploadedFile(name, content, content_type="text/html"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["handout.html", "diagram.svg"])
def test_active_content_in_lesson_files_is_never_served_inline(media, client_for, partner_user, name):
    from tests.enablement.factories import CourseFactory, LessonFactory

    lesson = LessonFactory(
        course=CourseFactory(published=True),
        attachment=SimpleUploadedFile(name, b"<svg onload=alert(1)><script>alert(1)</script></svg>"),
    )
    response = client_for(partner_user).get(reverse("enablement:lesson_file", args=[lesson.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] not in ("text/html", "image/svg+xml")
    assert not response["Content-Type"].startswith(("text/html", "image/svg", "text/xml", "application/xml"))


# --- audit-log viewer ------------------------------------------------------------------------------


@pytest.fixture
def audit_rows(partner, other_partner, partner_admin, other_partner_user, channel_manager):
    record_audit(actor=partner_admin, obj=partner, action="profile_updated", reason="acme change")
    record_audit(actor=other_partner_user, obj=other_partner, action="profile_updated", reason="globex change")
    record_audit(actor=channel_manager, obj=partner, action="tier_changed", reason="acme promoted")


@pytest.mark.django_db
def test_audit_viewer_filters_for_program_admins(audit_rows, client_for, program_admin, partner):
    client = client_for(program_admin)
    everything = client.get("/audit/")
    assert everything.status_code == 200
    assert all(text in everything.content.decode() for text in ("acme change", "globex change", "acme promoted"))
    by_partner = client.get("/audit/", {"partner": partner.pk}).content.decode()
    assert "acme change" in by_partner and "acme promoted" in by_partner and "globex change" not in by_partner
    by_action = client.get("/audit/", {"action": "tier_changed"}).content.decode()
    assert "acme promoted" in by_action and "acme change" not in by_action
    by_actor = client.get("/audit/", {"actor": "carol@"}).content.decode()
    assert "globex change" in by_actor and "acme change" not in by_actor
    export = client.get("/audit/", {"partner": partner.pk, "export": "csv"})
    assert export["Content-Disposition"].startswith("attachment;")
    body = b"".join(export.streaming_content).decode()
    assert "acme promoted" in body and "globex change" not in body
    bad = client.get("/audit/", {"since": "not-a-date"})
    assert bad.status_code == 400 and "acme change" not in bad.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["partner_admin", "partner_user", "channel_manager", "finance_user"])
def test_audit_viewer_is_403_for_everyone_else(audit_rows, client_for, request, who):
    assert client_for(request.getfixturevalue(who)).get("/audit/").status_code == 403
