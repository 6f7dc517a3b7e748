"""API permissions: who may call what, and what a token's scope allows.

Who may call what is a named permission of accounts/access.py: API views list `IsPortalUser` and
`access.PermissionRequired("<app>.<permission>")`.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import permissions

from accounts.models import ApiToken, TokenScope


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
