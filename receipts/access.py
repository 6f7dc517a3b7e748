"""Who may do what with receipts (accounts/access.py: named permissions). Which receipts a user sees is the
tenancy rule (Receipt.objects.visible_to): the deal's partner's users and internal users."""

from django.utils.translation import gettext_lazy

from accounts import access

access.permission(
    "receipts.download",
    access.is_partner_user | access.is_internal,
    gettext_lazy("Only partner users and internal users download receipts."),
)
