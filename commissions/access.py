"""Who may do what with commissions (accounts/access.py). Finance runs the ledger and the payouts; program
admins change plans, spiffs and contests. The four-eyes rule of payout batches stays in the services."""

from django.utils.translation import gettext_lazy as _

from accounts import access

# --- reading -------------------------------------------------------------------------------------------
access.permission(
    "commissions.view_entries",
    access.is_partner_admin | access.is_internal,
    _("Only partner admins and vendor staff see commission entries."),
)
access.permission(
    "commissions.view_payouts",
    access.is_finance | access.is_program_admin,
    _("Only finance and program admins see the commission ledger, payouts and plans."),
)
access.permission(
    "commissions.view_earnings", access.is_partner_admin, _("Only partner admins see their partner's earnings.")
)
access.permission(
    "commissions.view_statements",
    access.is_partner_admin | access.is_finance | access.is_program_admin,
    _("Only partner admins, finance and program admins see commission statements."),
)
access.permission(
    "commissions.fetch_statements",
    access.is_partner_admin | access.is_finance,
    _("Only partner admins and finance fetch commission statements through the API."),
)
access.permission(
    "commissions.name_contest_partner",
    access.is_internal | access.of_own_partner,
    _("Only vendor staff and the partner itself see a partner's name on a leaderboard."),
)

# --- finance: the ledger and payouts -------------------------------------------------------------------
access.permission("commissions.add_adjustment", access.is_finance, _("Only finance adds adjustments."))
access.permission("commissions.approve_entries", access.is_finance, _("Only finance approves commission entries."))
access.permission("commissions.create_batch", access.is_finance, _("Only finance creates payout batches."))
access.permission("commissions.submit_batch", access.is_finance, _("Only finance submits payout batches."))
access.permission("commissions.approve_batch", access.is_finance, _("Only finance approves payout batches."))
access.permission("commissions.pay_batch", access.is_finance, _("Only finance pays payout batches."))
access.permission("commissions.release_held", access.is_finance, _("Only finance releases held payouts."))

# --- program admins: plans, spiffs, contests -----------------------------------------------------------
access.permission(
    "commissions.manage_contests", access.is_program_admin, _("Only program admins create and change contests.")
)
access.permission(
    "commissions.change_rates", access.is_program_admin, _("Only program admins change commission rates.")
)
access.permission("commissions.manage_spiffs", access.is_program_admin, _("Only program admins manage spiffs."))
access.permission(
    "commissions.manage_plans",
    access.is_program_admin,
    _("Only program admins create and change commission plans and their rules."),
)
