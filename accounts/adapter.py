"""allauth adapter: no open sign-up; people arrive through invitations or the partner application."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied

from prm.clientip import client_ip
from prm.guards import login_refusal, standing_response


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def pre_login(self, request, user, **kwargs):
        """A terminated partner's users may not log in: the 403 page says why (docs/partner-status.md)."""
        refusal = login_refusal(user)
        if refusal is not None:
            clear_login(request)
            return standing_response(request, refusal)
        return super().pre_login(request, user, **kwargs)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Count failed logins per e-mail address alone. allauth prefixes the site's domain, which without
        django.contrib.sites is the request's Host header: each allowed host would get its own 10 tries."""
        login = credentials.get("email", credentials.get("username", ""))
        return f"login:{(login or '').lower()}"

    def get_client_ip(self, request):
        """allauth's per-address limits take the portal's one client address rule (prm/clientip.py,
        docs/proxies.md) instead of allauth's own, which answers a short X-Forwarded-For with a 500."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


class PortalMfaAdapter(DefaultMFAAdapter):
    """Internal roles must keep two-factor authentication: they may not remove their authenticator."""

    def can_delete_authenticator(self, authenticator) -> bool:
        if getattr(authenticator.user, "mfa_required", False):
            return False
        return super().can_delete_authenticator(authenticator)

    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER
