"""Named permissions of the partners app (accounts/access.py explains the layer)."""

from django.utils.translation import gettext_lazy

from accounts import access

# Channel staff: channel managers and program admins (any partner, not only the ones they manage).
channel_staff = access.is_manager_or_admin
# The partner's own admins, or channel staff.
own_admin_or_staff = channel_staff | (access.is_partner_admin & access.of_own_partner)

access.permission(
    "partners.view_as_staff",
    access.is_internal,
    gettext_lazy("Only vendor staff see these pages."),
)
access.permission(
    "partners.view_applications",
    access.is_internal,
    gettext_lazy("Only vendor staff see the applications to the partner program."),
)
access.permission(
    "partners.see_internal_fields",
    access.is_internal,
    gettext_lazy("Only vendor staff see a partner's CRM id and where its agreement was accepted."),
)
access.permission(
    "partners.manage",
    channel_staff,
    gettext_lazy("Only channel managers and program admins manage partners."),
)
access.permission(
    "partners.import",
    channel_staff,
    gettext_lazy("Only channel managers and program admins import partners."),
)
access.permission(
    "partners.recruit",
    channel_staff,
    gettext_lazy("Only channel managers and program admins recruit and score partners."),
)
access.permission(
    "partners.edit_profile",
    own_admin_or_staff,
    gettext_lazy("Only the partner's admins and channel staff may edit this profile."),
)
access.permission(
    "partners.manage_team",
    own_admin_or_staff,
    gettext_lazy("Only the partner's admins may change its team."),
)
access.permission(
    "partners.accept_agreement",
    access.is_partner_admin & access.of_own_partner,
    gettext_lazy("Only the partner's admins accept the agreement."),
)
access.permission(
    "partners.tick_onboarding_step",
    channel_staff,
    gettext_lazy("Only channel managers and program admins tick steps by hand."),
)
access.permission(
    "partners.write_business_plan",
    own_admin_or_staff,
    gettext_lazy("Only the partner's admins and channel staff write its business plan."),
)
access.permission(
    "partners.agree_business_plan",
    channel_staff,
    gettext_lazy("The vendor side agrees plans."),
)
access.permission(
    "partners.check_in",
    channel_staff | access.of_own_partner,
    gettext_lazy("Only the partner's people and channel staff add check-ins."),
)
access.permission(
    "partners.run_tier_review",
    access.is_program_admin,
    gettext_lazy("Only program admins run the tier review."),
)
access.permission(
    "partners.override_tier_review",
    channel_staff,
    gettext_lazy("Only channel managers and program admins override the tier review."),
)
access.permission(
    "partners.edit_program_settings",
    access.is_program_admin,
    gettext_lazy("Only program admins change the program settings."),
)
access.permission(
    "partners.export_organisation",
    access.is_program_admin | (access.is_partner_admin & access.of_own_partner),
    gettext_lazy("Only the organisation's partner admin or a program admin can export its data."),
)
# Settings (docs/settings.md): channel managers see what the quarter's review would do; only program admins
# apply it and edit the tiers themselves.
access.permission(
    "partners.view_tier_review",
    channel_staff,
    gettext_lazy("Only channel managers and program admins see the tier review."),
)
access.permission(
    "partners.edit_tiers",
    access.is_program_admin,
    gettext_lazy("Only program admins change the tiers, their requirements and benefits."),
)
