"""Who may do what with MDF (accounts/access.py). Who of a partner's users request and claim is the partner's
own setting: `mdf.services.requesters.requester_refusal` says it, with the admin to ask."""

from django.utils.translation import gettext_lazy as _

from accounts import access

access.permission(
    "mdf.view_program", access.is_internal, _("Only vendor staff see the MDF program view and activity menu.")
)
access.permission(
    "mdf.view_all_partners", access.is_internal, _("Only vendor staff see every partner's MDF requests and claims.")
)
access.permission("mdf.submit_request", access.is_partner_user, _("Only partner users request MDF."))
access.permission("mdf.submit_claim", access.is_partner_user, _("Only partner users claim MDF."))
access.permission(
    "mdf.set_requesters",
    access.is_partner_admin & access.of_own_partner,
    _("Only the partner's admins change who requests and claims MDF."),
)
access.permission("mdf.approve_request", access.is_channel_manager, _("Only channel managers approve MDF requests."))
access.permission("mdf.reject_request", access.is_channel_manager, _("Only channel managers reject MDF requests."))
access.permission("mdf.approve_claim", access.is_finance, _("Only finance may approve MDF claims."))
access.permission("mdf.reject_claim", access.is_finance, _("Only finance may reject MDF claims."))
access.permission("mdf.question_claim", access.is_finance, _("Only finance may question MDF claims."))
access.permission("mdf.pay_claim", access.is_finance, _("Only finance may pay MDF claims."))
access.permission("mdf.allocate_funds", access.is_program_admin, _("Only program admins allocate discretionary MDF."))
access.permission(
    "mdf.manage_activities", access.is_program_admin, _("Only program admins manage the MDF activity menu.")
)
access.permission(
    "mdf.link_sourced_deal",
    access.is_manager_or_admin | access.of_own_partner,
    _("Only the partner's users or a channel manager link deals to MDF activities."),
)
