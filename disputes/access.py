"""Who may dispute a decision and who decides disputes (accounts/access.py; docs/disputes.md)."""

import rules
from django.utils.translation import gettext_lazy as _

from accounts.access import (
    is_channel_manager,
    is_internal,
    is_partner_admin,
    is_partner_user,
    is_program_admin,
    of_own_partner,
    permission,
)


@rules.predicate
def registered_it(user, deal) -> bool:
    return deal is not None and deal.registered_by_id == user.pk


@rules.predicate
def manages_its_partner_or_none_does(user, dispute) -> bool:
    """The dispute's partner has this channel manager, or no channel manager at all."""
    manager_id = dispute.partner.channel_manager_id if dispute is not None else None
    return manager_id is None or manager_id == user.pk


permission(
    "disputes.read",
    is_partner_user | is_channel_manager | is_program_admin,
    _("Only partner users, channel managers and program admins see disputes."),
)
permission("disputes.dispute", is_partner_user, _("Only partner users dispute decisions."))
# A deal's own partner users may dispute its decision; among them its admin or whoever registered it.
permission(
    "disputes.dispute_own_deal",
    is_partner_user & of_own_partner,
    _("Only the partner's own users may dispute a decision."),
)
permission(
    "disputes.open",
    is_partner_user & of_own_partner & (is_partner_admin | registered_it),
    _("Only your organisation's admin or the person who registered the deal may dispute it."),
)
permission(
    "disputes.decide",
    is_program_admin | (is_channel_manager & manages_its_partner_or_none_does),
    _("Only the partner's channel manager or a program admin may decide disputes."),
)
permission("disputes.see_internal", is_internal, _("Only vendor staff see this."))
