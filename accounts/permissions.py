"""API permissions: who may call what, and what a token's scope allows.

The role rules are the predicates of accounts/access.py; `role_permission`, `IsInternal` and `IsPartnerUser`
are kept as DRF classes over them for the API views that use them (new code: `access.PermissionRequired`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import permissions

from accounts import access
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


def predicate_permission(predicate, name: str):
    """A permission class that admits the users `predicate` (an accounts.access predicate) holds for."""

    class Holds(IsPortalUser):
        def has_permission(self, request, view):
            return super().has_permission(request, view) and predicate(request.user)

    Holds.__name__ = name
    return Holds


def permission_required(name: str):
    """A permission class for a named permission of accounts/access.py without an object (after IsPortalUser);
    a refusal answers with the permission's sentence."""

    class Required(IsPortalUser):
        def has_permission(self, request, view):
            if not super().has_permission(request, view):
                return False
            if access.can(request.user, name):
                return True
            self.message = str(access.get(name).refusal)
            return False

    Required.__name__ = "Requires_" + name.replace(".", "_")
    return Required


def role_permission(*roles):
    """A permission class that admits only the given roles (after IsPortalUser)."""
    allowed = frozenset(roles)
    return predicate_permission(lambda user: access.has_role(user, *allowed), "HasRole_" + "_".join(sorted(allowed)))


IsInternal = predicate_permission(access.is_internal, "IsInternal")
IsPartnerUser = predicate_permission(access.is_partner_user, "IsPartnerUser")
