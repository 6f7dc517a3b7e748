"""Validating a registration's or a lead's input and the figures of a won deal: every problem becomes a field
error (HTTP 400). Amounts, currencies (prm.money, ISO 4217) and dates (prm.inputs) follow one rule each."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from deals import matching
from deals.models import DealType
from prm import inputs
from prm.money import is_currency, to_money


def money(value, field: str, errors: dict):
    if value in (None, ""):
        errors[field] = [_("This field is required.")]
        return None
    try:
        amount = to_money(value if not isinstance(value, float) else str(value))
    except (TypeError, ValueError, InvalidOperation):
        errors[field] = [_("Enter an amount, e.g. 1250.00.")]
        return None
    if amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
    elif amount >= Decimal("1e12"):
        errors[field] = [_("The amount is too large.")]
    return amount


def date(value, field: str, errors: dict):
    """A bounded date (2000-01-01 to today + 10 years) or a field error: one rule for every date input
    (docs/inputs.md)."""
    return inputs.clean_date(value, field, errors)


def currency(value, errors: dict, field: str = "currency") -> str:
    code = (value or settings.DEFAULT_CURRENCY).strip().upper() if isinstance(value, str | None) else ""
    if not is_currency(code):
        errors[field] = [_("Use a three-letter ISO 4217 currency code, e.g. USD.")]
    return code


def country(value, errors: dict, field: str) -> str:
    code = str(value or "").strip().upper()
    if not code:
        errors[field] = [_("This field is required.")]
    elif code not in dict(countries):
        errors[field] = [_("Use a two-letter ISO 3166 country code, e.g. US.")]
    return code


def text(data, field: str, errors: dict, *, required=False, max_length=200) -> str:
    value = data.get(field)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[field] = [_("At most %(count)s characters.") % {"count": max_length}]
    return value


def clean_registration(data) -> dict:
    """Validate a registration's input; every problem becomes a field error (HTTP 400)."""
    errors: dict[str, list[str]] = {}
    cleaned = {
        "customer_name": text(data, "customer_name", errors, required=True),
        "customer_domain": text(data, "customer_domain", errors, max_length=253),
        "contact_name": text(data, "contact_name", errors),
        "contact_email": text(data, "contact_email", errors, max_length=254),
        "product": text(data, "product", errors),
    }
    cleaned["customer_country"] = country(data.get("customer_country"), errors, "customer_country")
    cleaned["amount"] = money(data.get("amount"), "amount", errors)
    cleaned["currency"] = currency(data.get("currency"), errors)
    cleaned["expected_close_date"] = date(data.get("expected_close_date"), "expected_close_date", errors)
    if cleaned["expected_close_date"] and cleaned["expected_close_date"] < timezone.localdate():
        errors["expected_close_date"] = [_("The expected close date cannot be in the past.")]
    deal_type = data.get("deal_type") or DealType.NEW_BUSINESS
    if deal_type not in DealType.values:
        errors["deal_type"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(DealType.values)}]
    cleaned["deal_type"] = deal_type
    if cleaned["contact_email"]:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid e-mail address.")]
    if cleaned["customer_domain"] and not matching.normalise_domain(cleaned["customer_domain"]):
        domain = cleaned["customer_domain"].lower()
        if domain.split("@")[-1].removeprefix("www.") not in matching.free_mail_domains():
            errors["customer_domain"] = [_("Enter the customer's web domain, e.g. example.com.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_lead(data) -> dict:
    errors: dict = {}
    cleaned = {
        "customer_name": text(data, "customer_name", errors, required=True),
        "customer_domain": text(data, "customer_domain", errors, max_length=253),
        "contact_name": text(data, "contact_name", errors),
        "contact_email": text(data, "contact_email", errors, max_length=254),
        "product": text(data, "product", errors),
        "notes": text(data, "notes", errors, max_length=5000),
    }
    cleaned["customer_country"] = country(data.get("customer_country"), errors, "customer_country")
    amount = data.get("amount")
    cleaned["amount"] = money(amount if amount not in (None, "") else "0", "amount", errors)
    cleaned["currency"] = currency(data.get("currency"), errors)
    if errors:
        raise ValidationError(errors)
    return cleaned
