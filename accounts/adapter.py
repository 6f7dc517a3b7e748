"""allauth adapter: no open sign-up; people arrive through invitations or the partner application."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Count failed logins per e-mail address alone. allauth prefixes the site's domain, which without
        django.contrib.sites is the request's Host header: each allowed host would get its own 10 tries."""
        login = credentials.get("email", credentials.get("username", ""))
        return f"login:{(login or '').lower()}"


class PortalMfaAdapter(DefaultMFAAdapter):
    """Internal roles must keep two-factor authentication: they may not remove their authenticator."""

    def can_delete_authenticator(self, authenticator) -> bool:
        if getattr(authenticator.user, "mfa_required", False):
            return False
        return super().can_delete_authenticator(authenticator)

    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER
