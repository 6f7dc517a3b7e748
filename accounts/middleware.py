"""One rule for every request: a session of a role that needs two-factor authentication (User.mfa_required)
counts as logged in only once it passed the second factor in this session (docs/login.md).

allauth records each authentication step of a session (password, mfa, ...); the login's MFA step and a
re-authentication with a code record an "mfa" step, and so does this middleware when the session sets up
its authenticator app (the set-up checks a code from it). Device existence is not enough: Django admin's
login, an invitation, or any other path that called django.contrib.auth.login() would otherwise skip the code.

- Has an authenticator, did not pass it in this session: the session is logged out here, so the page,
  the admin and DRF's SessionAuthentication all see an anonymous visitor (login redirect, 401).
- Has none yet: sent to set it up (pages); the API sees an anonymous caller (401). Only the set-up pages,
  the password re-entry allauth asks for before them, logging out and the language picker stay open.
"""

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from accounts.services import user_has_mfa

PASSED, SET_UP, NOT_PASSED = "passed", "set_up", "not_passed"
API_PREFIX = "/api/"
# Route names a user who still has to set up the second factor may open.
SET_UP_ROUTES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "account_reauthenticate",
        "account_logout",
        "set_language",
        "healthz",
    }
)


def passed_second_factor(request, user) -> bool:
    """True when this session recorded an MFA step (login code, re-authentication or set-up) for `user`."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def second_factor_state(request, user) -> str:
    """PASSED (or not needed), SET_UP (needed, no authenticator yet) or NOT_PASSED (has one, not used here)."""
    if not user.is_authenticated or not user.mfa_required or passed_second_factor(request, user):
        return PASSED

    return NOT_PASSED if user_has_mfa(user) else SET_UP


def set_up_url(request) -> str:
    # Encode `next` so a query string of several parameters survives the round trip.
    return f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}"


def _is_set_up_route(request) -> bool:
    if request.path.startswith("/static/"):
        return True
    try:
        return resolve(request.path_info).url_name in SET_UP_ROUTES
    except Resolver404:
        return False


class SecondFactorMiddleware:
    """Placed right after AuthenticationMiddleware: everything after it sees the same user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        state = PASSED if user is None else second_factor_state(request, user)
        if state == NOT_PASSED:
            logout(request)  # a half-logged-in session (no code given) is gone; the request goes on anonymous
        elif state == SET_UP:
            if request.path.startswith(API_PREFIX):
                request.user = AnonymousUser()
            elif not _is_set_up_route(request):
                return redirect(set_up_url(request))
            else:
                response = self.get_response(request)
                match = getattr(request, "resolver_match", None)
                if request.method == "POST" and match is not None and match.url_name == "mfa_activate_totp":
                    _record_set_up(request, user)
                return response
        return self.get_response(request)


def _record_set_up(request, user) -> None:
    """An authenticator app set up by this request (the set-up form checks a code from the new app) passes
    the second factor for this session, as the login's MFA step would."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, set_up=True)


class UserLanguageMiddleware:
    """A logged-in user's saved language (User.language) wherever the browser has not picked one: a new
    device, or an e-mail link opened elsewhere. Runs after authentication; the picker's cookie wins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.language
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language != getattr(request, "LANGUAGE_CODE", None)
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
