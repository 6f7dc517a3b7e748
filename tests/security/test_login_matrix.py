"""Every way in: each URL that can create a session or hand out an API token, and the one rule they all meet
(docs/login.md).

SESSION_OR_TOKEN_ROUTES names every such route of the URL resolver; a route whose view refers to a login or
token-creating function (django.contrib.auth.login, allauth's perform_login/resume flows, create_api_token)
and is not in the table fails test_every_route_that_logs_in_or_hands_out_a_token_is_known.

For an internal user with an authenticator: the password alone never gives a session that reaches a page or
the API, nor a token; password and a current code through allauth do; every credential check is throttled
from the 11th failure for one e-mail (LOGIN_FAILED_LIMIT_PER_EMAIL). A session that did not pass the second
factor is not logged in, whatever URL it asks for (test_a_session_without_the_second_factor_reaches_no_url).
"""

import ast
import inspect
import re
import textwrap
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.views.generic import RedirectView
from rest_framework.test import APIClient

from accounts.middleware import SET_UP_ROUTES
from accounts.models import ApiToken, Role
from accounts.services import invite_user
from tests.accounts.conftest import totp_code, verify_email
from tests.factories import PASSWORD, InternalUserFactory
from tests.security.test_isolation_matrix import project_routes

LOGIN = reverse("account_login")
MFA = reverse("mfa_authenticate")
SET_UP = reverse("mfa_activate_totp")
TOKEN = "/api/v1/auth/token/"
# Pages and API a logged-in internal user reaches; a session without the second factor must reach none.
FOLLOW_UPS = ("/api/v1/me/", "/analytics/", "/audit/", "/admin/")

# --- the table --------------------------------------------------------------------------------------

SESSION_OR_TOKEN_ROUTES = {
    "account_login": "allauth's login: password, then its MFA stage; failures throttled per e-mail",
    "mfa_authenticate": "allauth's MFA stage that finishes a password login; wrong codes throttled per user",
    "admin:login": "Django admin's own login, shadowed by a redirect to account_login (config/urls.py)",
    "accounts:accept_invitation": "sets the password, then allauth's perform_login: its checks and stages; "
    "a role that needs MFA is sent to set it up. The link's 256-bit one-time secret is the credential",
    "account_reset_password_from_key": "new password; logs in only with ACCOUNT_LOGIN_ON_PASSWORD_RESET, and "
    "then through allauth's stages (MFA included)",
    "account_confirm_email": "resumes a pending allauth login after e-mail confirmation, through its stages",
    "account_confirm_login_code": "login by e-mailed code: off (ACCOUNT_LOGIN_BY_CODE_ENABLED), through the "
    "stages when on",
    "account_signup": "closed: PortalAccountAdapter.is_open_for_signup() is False",
    "auth-token": "POST /api/v1/auth/token/: password and, for a user with an authenticator, a current code",
    "token-list": "POST /api/v1/tokens/: a new token for a caller already logged in (past MFA) or a token",
    "token-detail": "the same viewset's detail route: DELETE revokes; it creates nothing",
    "accounts:tokens": "the tokens page: a new token for a user already logged in (past MFA)",
}

# Names a view refers to when it logs someone in or creates a token.
LOGIN_NAMES = re.compile(
    r"^(auth_|django_)?login$|^(perform|resume|complete|finalize)_\w*(login|signup|reset)\w*$|_and_resume$"
    r"|^create_api_token$"
)


def _views() -> dict[str, object]:
    """name -> view callback, keyed as project_routes() keys them (the first pattern of each name)."""
    views: dict[str, object] = {}

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                views.setdefault(name or prefix + str(p.pattern), p.callback)

    walk(get_resolver().url_patterns)
    return views


def _code_of(callback) -> list:
    """The classes (with their bases) or the function behind a view callback."""
    for attribute in ("view_class", "cls"):  # Django's as_view(), DRF's viewsets
        cls = getattr(callback, attribute, None)
        if cls is not None:
            return [base for base in cls.__mro__ if base is not object]
    function = inspect.unwrap(callback)
    return [getattr(function, "__func__", function)]


_names_cache: dict = {}


def _login_names(code) -> set[str]:
    if code not in _names_cache:
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(code)))
        except (OSError, TypeError):
            tree = ast.parse("")
        found = set()
        for node in ast.walk(tree):
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            if name and LOGIN_NAMES.search(name):
                found.add(name)
        _names_cache[code] = found
    return _names_cache[code]


def routes_that_log_in() -> dict[str, set[str]]:
    found = {}
    for name, callback in _views().items():
        names = set().union(*(_login_names(code) for code in _code_of(callback)))
        if names:
            found[name] = names
    return found


def test_the_view_walk_sees_the_same_routes_as_the_isolation_matrix():
    assert set(_views()) == set(project_routes())


def test_every_route_that_logs_in_or_hands_out_a_token_is_known():
    found = routes_that_log_in()
    # The detector itself must see the known doors, or it proves nothing.
    assert {"account_login", "accounts:accept_invitation", "auth-token", "accounts:tokens"} <= set(found)
    unknown = {name: sorted(names) for name, names in found.items() if name not in SESSION_OR_TOKEN_ROUTES}
    assert not unknown, f"new routes that log in or create tokens; add them (and a test) here: {unknown}"
    stale = sorted(set(SESSION_OR_TOKEN_ROUTES) - set(project_routes()))
    assert not stale, f"the table names routes that no longer exist: {stale}"


def test_the_admins_own_login_view_is_out_of_reach():
    match = resolve(reverse("admin:login"))
    assert getattr(match.func, "view_class", None) is RedirectView


# --- fixtures ---------------------------------------------------------------------------------------

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def root(db):
    """A program admin with admin-site access and an authenticator, as production's first user is."""
    return verify_email(
        InternalUserFactory(role=Role.PROGRAM_ADMIN, email="root@example.com", is_staff=True, is_superuser=True)
    )


def assert_refused(client):
    """Nothing a logged-in internal user reaches is reached: the login (or MFA set-up) page, or 401/403."""
    for path in FOLLOW_UPS:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code in (401, 403), (path, response.status_code)
        else:
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"].startswith((LOGIN, SET_UP, "/admin/login/")), (path, response["Location"])


def assert_reaches_everything(client):
    assert client.get("/api/v1/me/").status_code == 200
    for path in FOLLOW_UPS[1:]:
        assert client.get(path).status_code == 200, path


def password_login(client, user, password=PASSWORD):
    return client.post(LOGIN, {"login": user.email, "password": password})


def error_text(response) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


# --- allauth's login ----------------------------------------------------------------------------------


def test_allauth_password_alone_is_not_a_login_and_the_code_completes_it(client, root):
    response = password_login(client, root)
    assert response.status_code == 302 and response.url == MFA
    assert_refused(client)
    response = client.post(MFA, {"code": totp_code(root)})
    assert response.status_code == 302
    assert_reaches_everything(client)


def test_allauth_login_is_refused_from_the_eleventh_failure_even_with_the_right_password(client, root):
    for _ in range(settings.LOGIN_FAILED_LIMIT_PER_EMAIL):
        assert "not correct" in error_text(password_login(client, root, "guess-again-123"))
    response = password_login(client, root)
    assert "Too many failed login attempts" in error_text(response)
    assert_refused(client)


def test_guessing_the_code_at_allauths_mfa_step_is_refused_from_the_eleventh(client, root):
    password_login(client, root)
    for _ in range(settings.LOGIN_FAILED_LIMIT_PER_EMAIL):
        assert client.post(MFA, {"code": "000000"}).status_code == 200
    response = client.post(MFA, {"code": totp_code(root)})
    assert response.status_code != 302 or response.url != reverse("home")
    assert_refused(client)


# --- the admin's login ----------------------------------------------------------------------------------


def test_the_admin_login_hands_over_to_allauth_keeping_next(client, root):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert urlsplit(response.url).path == LOGIN
    assert parse_qs(urlsplit(response.url).query)["next"] == ["/admin/"]


def test_posting_the_password_to_the_admin_login_never_logs_in_and_counts_with_allauth(client, root):
    body = {"username": root.email, "password": PASSWORD, "next": "/admin/"}
    for _ in range(settings.LOGIN_FAILED_LIMIT_PER_EMAIL + 1):
        response = client.post("/admin/login/?next=/admin/", body)
        assert response.status_code == 302 and urlsplit(response.url).path == LOGIN
    assert "_auth_user_id" not in client.session
    assert_refused(client)
    # The only password form left is allauth's, with its throttle.
    for _ in range(settings.LOGIN_FAILED_LIMIT_PER_EMAIL):
        password_login(client, root, "guess-again-123")
    assert "Too many failed login attempts" in error_text(password_login(client, root))


def test_after_a_full_login_the_admin_opens(client, root):
    password_login(client, root)
    client.post(MFA, {"code": totp_code(root)})
    assert client.get("/admin/").status_code == 200


# --- the token endpoint ---------------------------------------------------------------------------------


def obtain(email, password=PASSWORD, **extra):
    return APIClient().post(TOKEN, {"email": email, "password": password, **extra}, format="json")


def test_the_token_endpoint_wants_the_code_besides_the_password(root):
    response = obtain(root.email)
    assert response.status_code == 400
    assert "otp" in response.json()
    response = obtain(root.email, otp="000000")
    assert response.status_code == 400 and "otp" in response.json()
    assert not ApiToken.objects.exists()
    response = obtain(root.email, otp=totp_code(root))
    assert response.status_code == 200
    assert APIClient(HTTP_AUTHORIZATION=f"Token {response.json()['token']}").get("/api/v1/me/").status_code == 200


def test_the_token_endpoint_is_refused_from_the_eleventh_failure(root):
    for _ in range(settings.LOGIN_FAILED_LIMIT_PER_EMAIL):
        assert obtain(root.email, "guess-again-123").status_code == 400
    response = obtain(root.email, otp=totp_code(root))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert not ApiToken.objects.exists()


def test_a_missing_or_wrong_code_is_a_failed_login_of_the_email(root):
    half = settings.LOGIN_FAILED_LIMIT_PER_EMAIL // 2
    for _ in range(half):
        assert obtain(root.email, "guess-again-123").status_code == 400
    for index in range(settings.LOGIN_FAILED_LIMIT_PER_EMAIL - half):
        assert obtain(root.email, **({"otp": "000000"} if index % 2 else {})).status_code == 400
    assert obtain(root.email, otp=totp_code(root)).status_code == 429
    assert not ApiToken.objects.exists()


def test_the_token_endpoint_sends_an_internal_user_without_an_authenticator_to_set_one_up(db):
    user = InternalUserFactory(with_mfa=False, role=Role.FINANCE, email="new-finance@example.com")
    response = obtain(user.email)
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"
    assert not ApiToken.objects.exists()


# --- invitation acceptance ------------------------------------------------------------------------------

NEW_PASSWORD = "Velvet-otter-2026"
ACCEPT = {"first_name": "Fiona", "last_name": "Ng", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def test_an_accepted_internal_invitation_lands_on_the_set_up_and_reaches_nothing_else(client, root):
    _invitation, token = invite_user(inviter=root, email="fiona@example.com", role=Role.FINANCE)
    response = client.post(reverse("accounts:accept_invitation", args=[token]), ACCEPT)
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(SET_UP)
    assert_refused(client)
    assert obtain("fiona@example.com", NEW_PASSWORD).status_code == 403


def test_setting_up_the_authenticator_in_this_session_counts_as_passing_it(client, root):
    _invitation, token = invite_user(inviter=root, email="fiona@example.com", role=Role.FINANCE)
    client.post(reverse("accounts:accept_invitation", args=[token]), ACCEPT)
    response = client.get(SET_UP)
    if response.status_code == 302:  # allauth asks for the password again before the set-up
        assert response.url.startswith(reverse("account_reauthenticate"))
        client.post(response.url, {"password": NEW_PASSWORD})
        response = client.get(SET_UP)
    assert response.status_code == 200
    assert_refused(client)
    code = current_code(response.context["form"].secret)
    response = client.post(SET_UP, {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user__email="fiona@example.com", type="totp").exists()
    assert client.get("/api/v1/me/").status_code == 200
    assert client.get("/analytics/").status_code == 200


def current_code(secret: str) -> str:
    counter = list(yield_hotp_counters_from_time())[mfa_settings.TOTP_TOLERANCE]
    return format_hotp_value(hotp_value(secret, counter))


def test_accepting_a_partner_invitation_logs_the_partner_user_in(client, channel_manager, partner):
    _invitation, token = invite_user(
        inviter=channel_manager, email="dave@acme.example", role=Role.PARTNER_ADMIN, partner=partner
    )
    response = client.post(reverse("accounts:accept_invitation", args=[token]), ACCEPT)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get("/api/v1/me/").json()["email"] == "dave@acme.example"


# --- password reset by e-mailed key ------------------------------------------------------------------------


def reset_by_key(client, user, new_password="Velvet-otter-2026"):
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(link)
    form_url = response.url if response.status_code == 302 else link
    return client.post(form_url, {"password1": new_password, "password2": new_password})


def test_a_password_reset_does_not_log_in(client, root):
    response = reset_by_key(client, root)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert_refused(client)


def test_a_password_reset_that_logs_in_still_asks_for_the_code(client, root, settings):
    settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
    response = reset_by_key(client, root)
    assert response.status_code == 302 and response.url == MFA
    assert_refused(client)


# --- closed and logged-in-only doors ----------------------------------------------------------------------


def test_signup_is_closed(client):
    client.post(reverse("account_signup"), {"email": "x@example.com", "password1": PASSWORD, "password2": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_half_logged_in_session_cannot_create_a_token(root):
    page, api = Client(), APIClient()
    page._force_login_without_second_factor(root)
    api._force_login_without_second_factor(root)
    assert api.post("/api/v1/tokens/", {"name": "x"}, format="json").status_code == 401
    response = page.post(reverse("accounts:tokens"), {"name": "x", "scope": "read"})
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert not ApiToken.objects.exists()


# --- whatever URL ----------------------------------------------------------------------------------------

UUID = "00000000-0000-0000-0000-000000000001"


def url_of(route: str) -> str:
    """A URL that the route matches, every parameter filled in (an id that may not exist: the rule runs first)."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: UUID if m.group(1) == "uuid" else "1", route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return "/" + path.replace("^", "").replace("$", "").replace("/?", "/").replace("\\", "")


def all_urls() -> list[tuple[str, str]]:
    return sorted((name, url_of(route)) for name, route in project_routes().items())


def test_a_session_without_the_second_factor_reaches_no_url(root):
    """Password only (a session some path logged in without the code): every URL sees an anonymous visitor."""
    reached = []
    for name, url in all_urls():
        client = Client(raise_request_exception=False)
        client._force_login_without_second_factor(root)
        response = client.get(url)
        if response.wsgi_request.user.is_authenticated:
            reached.append((name, url, response.status_code))
    assert not reached


def test_a_user_who_must_set_up_the_authenticator_reaches_only_the_set_up(db):
    user = InternalUserFactory(with_mfa=False, role=Role.CHANNEL_MANAGER, email="new-manager@example.com")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    reached = []
    for name, url in all_urls():
        response = client.get(url)
        if url.startswith("/api/"):
            if response.wsgi_request.user.is_authenticated:
                reached.append((name, url, response.status_code))
        elif name.split(":")[-1] not in SET_UP_ROUTES and not url.startswith("/static/"):
            if not (response.status_code == 302 and response["Location"].startswith(SET_UP)):
                reached.append((name, url, response.status_code))
    assert not reached
