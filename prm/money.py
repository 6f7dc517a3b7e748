"""Money and rates: Decimal with 2 places beside an ISO 4217 currency; rates as Decimal fractions.

DESIGN.md (Money): never float; half-up to cents, once, at the ledger entry.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
RATE_DECIMAL_PLACES = 4

currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 currency code, e.g. USD."))


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
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


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
        kwargs.setdefault("validators", [currency_validator])
        super().__init__(*args, **kwargs)


def default_currency() -> str:
    return settings.DEFAULT_CURRENCY
