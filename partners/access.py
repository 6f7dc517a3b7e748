"""Named permissions of the partners app (accounts/access.py explains the layer)."""

from django.utils.translation import gettext_lazy

from accounts import access

access.permission(
    "partners.export_organisation",
    access.is_program_admin | (access.is_partner_admin & access.of_own_partner),
    gettext_lazy("Only the organisation's partner admin or a program admin can export its data."),
)
