"""Who may do what with deal registrations, leads and accounts (accounts/access.py; docs/architecture.md:
Permissions). Services call `access.require(user, name, obj)`; views, the API and templates ask `can`."""

from django.utils.translation import gettext_lazy as _

from accounts.access import (
    is_channel_manager,
    is_internal,
    is_manager_or_admin,
    is_partner_user,
    is_program_admin,
    of_own_partner,
    permission,
)

own_partner_user = is_partner_user & of_own_partner

# The pages: deals are seen by partner users (their own) and vendor staff; leads by partner users (their
# own), channel managers and program admins.
permission("deals.view", is_partner_user | is_internal, _("Only partner users and vendor staff see deals."))
permission(
    "deals.view_leads",
    is_partner_user | is_manager_or_admin,
    _("Only partner users, channel managers and program admins see leads."),
)

# Partner users, on their own partner's deals and leads.
permission("deals.register", is_partner_user, _("Only a partner's users may register deals."))
permission(
    "deals.mark_won",
    own_partner_user | is_channel_manager,
    _("Only the partner's users or a channel manager may mark a deal won."),
)
permission("deals.mark_lost", own_partner_user, _("Only the partner's own users may mark a deal lost."))
permission("deals.request_extension", own_partner_user, _("Only the partner's own users may ask for an extension."))
permission("deals.accept_lead", own_partner_user, _("Only the partner's own users may accept this lead."))
permission("deals.decline_lead", own_partner_user, _("Only the partner's own users may decline this lead."))

# Channel managers decide registrations and pass leads.
permission("deals.review", is_channel_manager, _("Only a channel manager may review registrations."))
permission("deals.approve", is_channel_manager, _("Only a channel manager may approve deals."))
permission("deals.reject", is_channel_manager, _("Only a channel manager may reject deals."))
permission("deals.decide", is_channel_manager, _("Only a channel manager may decide registrations."))
permission("deals.reopen", is_channel_manager, _("Only a channel manager may reopen deals."))
permission("deals.decide_extension", is_channel_manager, _("Only a channel manager may decide extensions."))
permission("deals.record_influence", is_channel_manager, _("Only a channel manager may record influence."))
permission("deals.create_lead", is_channel_manager, _("Only a channel manager may create leads."))
permission("deals.assign_lead", is_channel_manager, _("Only a channel manager may assign leads."))
permission(
    "deals.backdate_close",
    is_channel_manager,
    _("Only a channel manager may set a close date before the registration."),
)

# Lead routing rules (docs/directory.md): the program admin edits them and previews who would get leads.
permission("deals.manage_routing", is_program_admin, _("Only a program admin may edit lead routing rules."))

# Imports.
permission(
    "deals.import_accounts",
    is_manager_or_admin,
    _("Only a channel manager or a program admin may import accounts."),
)
permission(
    "deals.import_history",
    is_manager_or_admin,
    _("Only a channel manager or a program admin may import deal history."),
)

# What internal users see on deal and lead pages (the partner column, protection flags).
permission("deals.see_internal", is_internal, _("Only vendor staff see this."))
