"""Exchange rates: recording a rate (finance), the rate in force on a day, and conversion.

- `record_rate` is the only writer of ExchangeRate (append-only; a same-day correction is a new row).
Rates in force and every conversion are reads: they live in fx.selectors (docs/fx.md), the one home of
the rule; this module only writes.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import access
from fx.models import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, ExchangeRate, latest_rate_day
from fx.selectors import program_currency
from prm import inputs
from prm.audit import record_audit
from prm.events import record_event
from prm.inputs import parse_iso_date
from prm.models import DomainEvent
from prm.money import is_currency

# --- writes ------------------------------------------------------------------------------------------


def _clean_currency(value) -> str:
    code = str(value or "").strip().upper()
    if not is_currency(code):  # one ISO 4217 list for every app (prm/money.py)
        raise ValidationError({"currency": [_("Use a three-letter ISO 4217 currency code, e.g. EUR.")]})
    if code == program_currency():
        raise ValidationError(
            {
                "currency": [
                    _("%(currency)s is the program currency: it needs no rate.") % {"currency": code},
                ]
            }
        )
    return code


def _clean_rate(value) -> Decimal:
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"rate": [_("Enter a number, e.g. 1.0850.")]}) from None
    if not rate.is_finite() or rate <= 0:
        raise ValidationError({"rate": [_("The rate must be greater than zero.")]})
    quantum = Decimal(1).scaleb(-RATE_DECIMAL_PLACES)
    if rate != rate.quantize(quantum, rounding=ROUND_HALF_UP):
        raise ValidationError({"rate": [_("Use at most %(places)d decimal places.") % {"places": RATE_DECIMAL_PLACES}]})
    if rate >= Decimal(10) ** (RATE_MAX_DIGITS - RATE_DECIMAL_PLACES):
        raise ValidationError({"rate": [_("The rate is too large.")]})
    return rate.quantize(quantum)


def _clean_day(value) -> date:
    if not isinstance(value, date):
        raise ValidationError({"effective_from": [_("Enter a valid date.")]})
    try:  # the one date window of every input (prm/inputs.py), ending a year from today for rates
        return inputs.check_date(value, latest=latest_rate_day)
    except ValidationError as error:
        raise ValidationError({"effective_from": error.messages}) from None


@transaction.atomic
def record_rate(*, user, currency, rate, effective_from, note: str = "") -> ExchangeRate:
    """Finance records the rate of a currency from a day on (append-only, audited).

    A rate for a (currency, day) that already has one is a correction: the new row wins from now on, the
    old one stays in the table. It publishes `fx.rate_changed`: the apps holding amounts in that currency
    react (analytics queues their partners for the next incremental KPI rollup, commissions decides spiffs).
    """
    access.require(user, "fx.record_rate")
    errors = {}
    cleaned = {}
    for field, cleaner, value in (
        ("currency", _clean_currency, currency),
        ("rate", _clean_rate, rate),
        ("effective_from", _clean_day, effective_from),
    ):
        try:
            cleaned[field] = cleaner(value)
        except ValidationError as error:
            errors.update(error.message_dict)
    note = str(note or "").strip()
    if len(note) > 200:
        errors["note"] = [_("Keep the note under 200 characters.")]
    if errors:
        raise ValidationError(errors)
    previous = (
        ExchangeRate.objects.filter(currency=cleaned["currency"], effective_from=cleaned["effective_from"])
        .in_force_order()
        .first()
    )
    row = ExchangeRate.objects.create(
        currency=cleaned["currency"],
        rate=cleaned["rate"],
        effective_from=cleaned["effective_from"],
        note=note,
        created_by=user,
    )
    changes = {
        "currency": row.currency,
        "rate": str(row.rate),
        "effective_from": row.effective_from.isoformat(),
    }
    if previous is not None:
        changes["supersedes"] = {"id": previous.pk, "rate": str(previous.rate)}
    record_audit(
        actor=user,
        obj=row,
        action="fx.rate_corrected" if previous is not None else "fx.rate_recorded",
        reason=note,
        changes=changes,
    )
    # Upper apps react after commit (docs/fx.md: Incentives): analytics queues the partners with amounts in
    # that currency for the next incremental rollup, commissions decides the spiffs that waited for the rate.
    record_event(
        "fx.rate_changed",
        actor=user,
        subject=row,
        payload={"currency": row.currency, "effective_from": row.effective_from.isoformat()},
    )
    return row


# --- missing rates: finance hears about them ---------------------------------------------------------


def report_missing_rates(missing: dict, *, where: str):
    """Alert finance about currencies without a rate (`missing`: {currency: earliest day needing one},
    e.g. from fx.selectors.missing_rates): one `fx.rate_missing` event per currency, not repeated while
    an earlier alert for that currency (since its latest recorded rate) already covers the day. Pages keep
    showing the amounts as unconverted meanwhile (docs/fx.md: Missing rates). Returns the new events."""
    events = []
    for currency, since in sorted(missing.items()):
        latest = (
            ExchangeRate.objects.filter(currency=currency).order_by("-created_at").values_list("created_at", flat=True)
        ).first()
        told = DomainEvent.objects.filter(name="fx.rate_missing", payload__currency=currency)
        if latest is not None:
            told = told.filter(created_at__gte=latest)
        if any(parse_iso_date(day) <= since for day in told.values_list("payload__since", flat=True)):
            continue
        events.append(
            record_event("fx.rate_missing", payload={"currency": currency, "since": since.isoformat(), "where": where})
        )
    return events
