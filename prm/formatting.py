"""How money, rates and dates read on pages, in e-mails and in notifications: per the reader's locale.

docs/architecture.md (Formatting): Babel's CLDR data decides grouping, decimal sign and where the currency
goes (`$1,027,500.00` in English, `1.027.500,00 $` in German); a rate is a percentage; a date has one style per
locale and a moment is shown in the portal's time zone, never as an ISO timestamp. Pages use the template
filters in prm/templatetags/formatting.py; Python code that writes a sentence (notifications, PDFs) calls these
functions with the reader's language active.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone, translation

# Django language code -> the CLDR locale whose conventions the portal shows.
_LOCALES = {"en": "en_US", "es": "es_ES", "de": "de_DE"}
DASH = "—"


def locale_name(language: str | None = None) -> str:
    code = (language or translation.get_language() or "en").split("-")[0].lower()
    return _LOCALES.get(code, "en_US")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def money(amount, currency: str | None = None, language: str | None = None) -> str:
    """`1027500` + "USD" -> "$1,027,500.00" (en) / "1.027.500,00 $" (de). No currency: a grouped number."""
    number = _decimal(amount)
    if number is None:
        return DASH
    locale = locale_name(language)
    if not currency:
        return babel_numbers.format_decimal(number, format="#,##0.00", locale=locale)
    return babel_numbers.format_currency(number, currency, locale=locale, currency_digits=True)


def number(value, places: int = 0, language: str | None = None) -> str:
    """A grouped count or measure: 12345 -> "12,345" (en) / "12.345" (de)."""
    value = _decimal(value)
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=locale_name(language))


def rate(fraction, places: int = 1, language: str | None = None) -> str:
    """A 0-1 fraction as a percentage: 0.1 -> "10%" (en) / "10 %" (de); trailing zeros dropped."""
    value = _decimal(fraction)
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "#" * places if places else "") + "%"
    return babel_numbers.format_percent(value, format=pattern, locale=locale_name(language))


def day(value, language: str | None = None) -> str:
    """A date in the locale's one style: "Mar 7, 2027" / "07.03.2027" / "7 mar 2027"."""
    if value in (None, ""):
        return DASH
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return babel_dates.format_date(value, format="medium", locale=locale_name(language))


def moment(value, language: str | None = None) -> str:
    """A point in time in the portal's time zone: "Dec 10, 2026, 4:13 PM" / "10.12.2026, 16:13"."""
    if value in (None, ""):
        return DASH
    if not isinstance(value, datetime.datetime):
        return day(value, language)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    locale = locale_name(language)
    pattern = babel_dates.get_datetime_format("medium", locale=locale)  # e.g. "{1}, {0}": date, then time
    return pattern.replace("{1}", babel_dates.format_date(value, "medium", locale=locale)).replace(
        "{0}", babel_dates.format_time(value, "short", locale=locale)
    )
