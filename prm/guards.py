"""Permission guards that services call before they change anything."""

from django.core.exceptions import PermissionDenied


def require_role(user, roles, what: str) -> None:
    """Refuse (403) unless `user` is logged in with one of `roles`; `what` completes "Your role may not ..."."""
    if user is None or not user.is_authenticated or user.role not in roles:
        raise PermissionDenied(f"Your role may not {what}.")
