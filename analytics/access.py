"""Who may do what in analytics: the named permissions of the program dashboard, the KPI rollups, scorecards
and alerts (accounts/access.py; docs/architecture.md: Permissions)."""

from django.utils.translation import gettext_lazy

from accounts import access

access.permission(
    "analytics.view_program",
    access.is_internal,
    gettext_lazy("Only channel managers, finance and program admins see the program dashboard."),
)
access.permission(
    "analytics.rebuild_rollups",
    access.is_program_admin,
    gettext_lazy("Only program admins rebuild the KPI rollups."),
)
access.permission(
    "analytics.read_partner_kpis",
    access.is_internal | access.is_partner_admin,
    gettext_lazy("Only partner admins and the vendor's staff read partner KPIs and scorecards."),
)
access.permission(
    "analytics.view_scorecards",
    access.is_internal,
    gettext_lazy("Only channel managers, finance and program admins see scorecards and at-risk partners."),
)
access.permission(
    "analytics.rate_partners",
    access.is_manager_or_admin,
    gettext_lazy("Only channel managers and program admins rate partners."),
)
access.permission(
    "analytics.rate_partner",
    access.is_program_admin | access.manages_partner,
    gettext_lazy("Only the partner's channel manager or a program admin rates this partner."),
)
access.permission(
    "analytics.edit_weights",
    access.is_program_admin,
    gettext_lazy("Only program admins change scorecard weights."),
)
access.permission(
    "analytics.edit_alert_rules",
    access.is_program_admin,
    gettext_lazy("Only program admins change alert thresholds."),
)
access.permission(
    "analytics.see_partner_earnings",
    access.is_internal | access.is_partner_admin,
    gettext_lazy("Only partner admins and the vendor's staff see a partner's earnings."),
)
access.permission(
    "analytics.rate_any_partner",
    access.is_program_admin,
    gettext_lazy("Only program admins rate partners outside their own book."),
)
