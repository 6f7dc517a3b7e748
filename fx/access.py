"""Who may read and record exchange rates (accounts/access.py): rates are program configuration."""

from django.utils.translation import gettext_lazy as _

from accounts import access

access.permission(
    "fx.view_rates",
    access.is_internal,
    _("Only vendor staff may see the exchange-rate table."),
)
access.permission(
    "fx.record_rate",
    access.is_finance,
    _("Only finance records exchange rates."),
)
