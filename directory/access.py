"""Who may do what in the partner directory and with lead routing (accounts/access.py; docs/directory.md)."""

from django.utils.translation import gettext_lazy as _

from accounts.access import is_partner_admin, of_own_partner, permission

permission(
    "directory.edit_listing",
    is_partner_admin & of_own_partner,
    _("Only the partner's admins decide what its directory listing publishes."),
)
permission("directory.view_own_listing", is_partner_admin, _("Only a partner's admins edit its directory listing."))
