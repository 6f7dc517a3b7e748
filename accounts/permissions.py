"""API permissions: who may call what (roles), and what a token's scope allows."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import permissions

from accounts.models import INTERNAL_ROLES, PARTNER_ROLES, ApiToken, TokenScope


class IsPortalUser(permissions.BasePermission):
    """Authenticated and active; a read-only token may not write. A session of a role that needs MFA reaches
    here only after it passed the second factor (accounts.middleware.SecondFactorMiddleware, docs/login.md)."""

    message = gettext_lazy("You do not have permission to perform this action.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        token = request.auth
        if isinstance(token, ApiToken):
            if token.scope == TokenScope.READ and request.method not in permissions.SAFE_METHODS:
                self.message = _("This token is read-only.")
                return False
        return True


def role_permission(*roles):
    """A permission class that admits only the given roles (after IsPortalUser)."""

    allowed = frozenset(roles)

    class HasRole(IsPortalUser):
        def has_permission(self, request, view):
            if not super().has_permission(request, view):
                return False
            return request.user.role in allowed

    HasRole.__name__ = "HasRole_" + "_".join(sorted(allowed))
    return HasRole


IsInternal = role_permission(*INTERNAL_ROLES)
IsPartnerUser = role_permission(*PARTNER_ROLES)
