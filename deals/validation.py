"""The field rules of a registration's or a lead's input, shared by the page forms (deals/forms.py), the API
serializers (deals/api.py) and the history import: every problem becomes a field error (HTTP 400). Amounts,
currencies (prm.money, ISO 4217) and dates (prm.inputs) follow one rule each. The services take the converted
values and check only their invariants."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from deals import matching
from deals.models import DealType


def country_code(value) -> str:
    """An ISO 3166 alpha-2 code in capitals (what people type, upper-cased), or a field error."""
    code = str(value or "").strip().upper()
    if code not in dict(countries):
        raise ValidationError(_("Use a two-letter ISO 3166 country code, e.g. US."), code="invalid_country")
    return code


def validate_customer_domain(value) -> None:
    """A customer's web domain (a URL or an e-mail address naming it will do); a free-mail domain is accepted and
    simply not matched on."""
    if value and not matching.normalise_domain(value):
        if value.lower().split("@")[-1].removeprefix("www.") not in matching.free_mail_domains():
            raise ValidationError(_("Enter the customer's web domain, e.g. example.com."), code="invalid_domain")


def validate_deal_type(value) -> None:
    """The API's deal type (the page offers the choices)."""
    if value not in DealType.values:
        raise ValidationError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(DealType.values)}, code="invalid_choice"
        )


def validate_not_past(value) -> None:
    if value and value < timezone.localdate():
        raise ValidationError(_("The expected close date cannot be in the past."), code="date_in_past")


def validate_amount(value) -> None:
    """An estimated or won amount: not negative, below a trillion."""
    if value is not None and value < 0:
        raise ValidationError(_("The amount cannot be negative."), code="min_value")
    if value is not None and value >= Decimal("1e12"):
        raise ValidationError(_("The amount is too large."), code="max_value")
