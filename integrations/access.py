"""Who may do what with webhooks (accounts/access.py; docs/architecture.md: Permissions)."""

from django.utils.translation import gettext_lazy

from accounts import access

access.permission(
    "integrations.manage_webhooks",
    access.is_program_admin,
    gettext_lazy("Only program admins manage webhooks."),
)
access.permission(
    "integrations.redeliver_webhooks",
    access.is_program_admin,
    gettext_lazy("Only program admins redeliver webhooks."),
)
