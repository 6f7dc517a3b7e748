"""Money and rates: Decimal with 2 places beside an ISO 4217 currency; rates as Decimal fractions.

docs/architecture.md (Money): never float; half-up to cents, once, at the ledger entry.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pycountry
from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

CENT = Decimal("0.01")
MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
RATE_DECIMAL_PLACES = 4

# --- currencies: one ISO 4217 list for every app (docs/hardening.md) ----------------------------------------
# pycountry ships the ISO 4217 table and is updated as codes come and go. Left out: codes that are not money a
# partner is paid in (precious metals, bond-market and accounting units, fund codes, the test and "no currency"
# codes).
NOT_MONEY = frozenset(
    "XAG XAU XPD XPT XBA XBB XBC XBD XDR XSU XUA XAD XTS XXX BOV CHE CHW CLF COU MXV USN UYI UYW".split()
)
CURRENCY_CODES = frozenset(currency.alpha_3 for currency in pycountry.currencies) - NOT_MONEY
CURRENCY_CHOICES = sorted(
    (currency.alpha_3, f"{currency.alpha_3} – {currency.name}")
    for currency in pycountry.currencies
    if currency.alpha_3 in CURRENCY_CODES
)
CURRENCY_MESSAGE = _("Use a three-letter ISO 4217 currency code, e.g. USD.")


def is_currency(code) -> bool:
    return isinstance(code, str) and code in CURRENCY_CODES


def validate_currency(value) -> None:
    """The validator of every currency field, model, form and serializer alike: an active ISO 4217 code in
    capitals (forms and serializers upper-case what people type first)."""
    if not is_currency(value):
        raise ValidationError(CURRENCY_MESSAGE, code="invalid_currency", params={"value": value})


# The name the models' migrations and fx.models import.
currency_validator = validate_currency


@checks.register(checks.Tags.compatibility)
def check_default_currency(app_configs=None, **kwargs):
    """DEFAULT_CURRENCY, the program currency every total converts into, must pass the same check."""
    if is_currency(settings.DEFAULT_CURRENCY):
        return []
    return [
        checks.Error(
            f"DEFAULT_CURRENCY={settings.DEFAULT_CURRENCY!r} is not an ISO 4217 currency code in capitals.",
            hint="Set DEFAULT_CURRENCY to a code such as USD or EUR.",
            id="prm.E001",
        )
    ]


def to_money(value) -> Decimal:
    """Round an amount half-up to cents. Accepts Decimal, int or str, never float."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal or a string")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not an amount of money") from None
    if not amount.is_finite():  # NaN or Infinity would quantize to NaN or fail far from here
        raise ValueError(f"{value!r} is not an amount of money")
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # too many digits for the context (e.g. 1e400): bad input, never a 500
        raise ValueError(f"{value!r} is too large to be an amount of money") from None


class MoneyField(models.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)


class RateField(models.DecimalField):
    """A fraction: 0.1000 is 10 %."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", RATE_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)


class CurrencyField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("default", default_currency)
        kwargs.setdefault("validators", [validate_currency])
        super().__init__(*args, **kwargs)


def default_currency() -> str:
    return settings.DEFAULT_CURRENCY


class CurrencyFormField(forms.CharField):
    """A page's currency input: what people type, stripped and upper-cased, then the shared check."""

    default_validators = [validate_currency]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("label", _("Currency"))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class CurrencySerializerField(serializers.CharField):
    """An API currency: stripped and upper-cased, then the shared check (a 400 naming the field)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("help_text", "ISO 4217 code, e.g. USD.")
        super().__init__(**kwargs)
        self.validators.append(validate_currency)  # DRF answers a blank value (allow_blank) before validators run

    def to_internal_value(self, data):
        return super().to_internal_value(data).strip().upper()
