"""Named permissions of the accounts app: invitations, the internal team and API tokens.

accounts/access.py is the permission layer itself, so these live in their own module, imported by
AccountsConfig.ready() (accounts/apps.py).
"""

import rules
from django.utils.translation import gettext_lazy

from accounts import access

# Invitations: a partner's own admins invite colleagues into their partner; channel managers and program
# admins invite a partner's admins and users (the object is the partner).
access.permission(
    "accounts.invite_partner_people",
    access.is_manager_or_admin | (access.is_partner_admin & access.of_own_partner),
    gettext_lazy("Only the partner's admins, channel managers and program admins invite people into a partner."),
)
# Program admins invite internal staff (channel managers, finance, program admins) and see the team.
access.permission(
    "accounts.invite_staff",
    access.is_program_admin,
    gettext_lazy("Only program admins invite internal staff."),
)
access.permission(
    "accounts.view_staff",
    access.is_program_admin,
    gettext_lazy("Only program admins see the internal team."),
)
# API tokens are personal: only their owner revokes one.


@rules.predicate
def owns_token(user, token) -> bool:
    return user is not None and token is not None and token.user_id == user.pk


access.permission(
    "accounts.revoke_api_token",
    owns_token,
    gettext_lazy("Only the token's owner may revoke it."),
)

# Settings (docs/settings.md): the program's notification defaults and the internal team's roles.
access.permission(
    "accounts.edit_notification_defaults",
    access.is_program_admin,
    gettext_lazy("Only program admins change the program's notification defaults."),
)
access.permission(
    "accounts.manage_staff",
    access.is_program_admin,
    gettext_lazy("Only program admins change the roles of internal staff."),
)
