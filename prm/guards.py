"""Permission guards that services call before they change anything."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_role(user, roles, what: str) -> None:
    """Refuse (403) unless `user` is logged in with one of `roles`; `what` completes "Your role may not ...".

    Pass `what` as a translatable string (`gettext_lazy("approve deals")`) so the message reads whole in
    every language."""
    if user is None or not user.is_authenticated or user.role not in roles:
        raise PermissionDenied(_("Your role may not %(action)s.") % {"action": what})
