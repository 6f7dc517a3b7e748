"""Who sees which home page panels and navigation entries (the permission layer, accounts/access.py).

These permissions only decide what the navigation and the home pages show; each page still checks its own
permission when it is opened.
"""

from django.utils.translation import gettext_lazy as _

from accounts import access

access.permission(
    "portal.use_work_pages",
    access.is_partner_user | access.is_internal,
    _("Only partner users and the vendor's staff use the portal's work pages."),
)
access.permission(
    "portal.see_partner_pages",
    access.is_partner_user,
    _("Only partner users see their organisation's pages."),
)
access.permission(
    "portal.see_partner_admin_pages",
    access.is_partner_admin,
    _("Only a partner admin sees the organisation's earnings."),
)
access.permission(
    "portal.see_program_pages",
    access.is_internal,
    _("Only the vendor's staff see the program pages."),
)
access.permission(
    "portal.see_own_book",
    access.is_channel_manager,
    _("Only channel managers have a partner book and a deal review queue."),
)
access.permission(
    "portal.see_disputes",
    access.is_partner_user | access.is_channel_manager,
    _("Only partner users and channel managers work on registration disputes."),
)
access.permission(
    "portal.see_leads",
    access.is_partner_user | access.is_manager_or_admin,
    _("Only partner users, channel managers and program admins see leads."),
)
access.permission(
    "portal.see_finance_pages",
    access.is_finance,
    _("Only finance sees the finance pages."),
)
access.permission(
    "portal.see_commissions",
    access.is_finance | access.is_program_admin,
    _("Only finance and program admins see all commissions."),
)
access.permission(
    "portal.see_program_dashboard",
    access.is_manager_or_admin,
    _("Only channel managers and program admins rate partners and open the program dashboard from home."),
)
access.permission(
    "portal.administer_program",
    access.is_program_admin,
    _("Only program admins change the program's settings."),
)
access.permission(
    "portal.read_audit_log",
    access.is_program_admin,
    _("Only program admins read the audit log."),
)
access.permission(
    "portal.open_settings",
    access.is_internal,
    _("Only the vendor's staff open the Settings area."),
)
