"""Who may run private availability checks and manage their policy (accounts/access.py: named permissions)."""

import rules
from django.utils.translation import gettext_lazy as _

from accounts import access
from availability.models import WhoMayCheck


@rules.predicate
def checks_allowed(user) -> bool:
    """The availability policy in force switches checks on, for partner admins or for every partner user."""
    from availability.selectors import policy_in_force  # noqa: PLC0415 - a read per question, models loaded

    policy = policy_in_force()
    if not policy.enabled:
        return False
    return policy.who == WhoMayCheck.PARTNER_USERS or access.is_partner_admin(user)


access.permission(
    "availability.check",
    access.is_partner_user & checks_allowed,
    _("Private availability checks are switched off or not open to your role."),
)
access.permission(
    "availability.manage",
    access.is_program_admin,
    _("Only program admins change the availability check policy."),
)
