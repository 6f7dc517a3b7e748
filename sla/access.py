"""Who may do what with SLAs (accounts/access.py: named permissions). Which kinds of item a user sees is each
kind's audience, declared where the kind is registered (each app's sla_kinds.py)."""

from django.utils.translation import gettext_lazy

from accounts import access

access.permission(
    "sla.see_pages",
    access.is_internal,
    gettext_lazy("Only internal users see the SLA pages and their data."),
)
