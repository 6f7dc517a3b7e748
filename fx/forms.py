"""Form of the exchange-rate page (finance)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fx.models import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, latest_rate_day
from prm import inputs
from prm.forms import BootstrapFormMixin
from prm.money import CurrencyFormField


class ExchangeRateForm(BootstrapFormMixin, forms.Form):
    """Input only; fx.services.record_rate checks the rules (program currency, > 0, dates) and saves."""

    currency = CurrencyFormField(
        help_text=_("ISO 4217 code, e.g. EUR."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "size": 4}),
    )
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        help_text=_("Program currency per 1 unit of the currency, up to 8 decimal places."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    effective_from = inputs.DateField(
        latest=latest_rate_day,
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The rate applies from this day until the next rate of the currency."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Source of the rate, or why a rate is corrected."),
    )

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()
