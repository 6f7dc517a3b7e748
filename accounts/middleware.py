"""Internal roles must have MFA set up before they reach any page other than account pages."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz/", "/i18n/", "/api/", "/verify/")


class InternalMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.mfa_required
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not mfa_set_up(request)
        ):
            # Encode `next` so a query string of several parameters survives the round trip.
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def mfa_set_up(request) -> bool:
    """True once the user has a TOTP authenticator; remembered in the session to save a query."""
    if request.session.get("mfa_set_up"):
        return True
    from accounts.services import user_has_mfa

    if user_has_mfa(request.user):
        request.session["mfa_set_up"] = True
        return True
    return False


class UserLanguageMiddleware:
    """A logged-in user's saved language (User.language) wherever the browser has not picked one: a new
    device, or an e-mail link opened elsewhere. Runs after authentication; the picker's cookie wins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

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
