"""Who may see and change the rules of engagement (accounts/access.py; docs/policy.md)."""

from django.utils.translation import gettext_lazy as _

from accounts.access import is_channel_manager, is_internal, is_program_admin, permission

permission("policy.read", is_internal, _("Only vendor staff may read the rules of engagement."))
permission(
    "policy.view_pages",
    is_channel_manager | is_program_admin,
    _("Only channel managers and program admins may open the rules of engagement pages."),
)
permission("policy.edit", is_program_admin, _("Only program admins may change the rules of engagement."))
permission("policy.simulate", is_program_admin, _("Only program admins may simulate the rules of engagement."))
permission("policy.publish", is_program_admin, _("Only program admins may publish the rules of engagement."))
