"""Exchange rates: recording a rate (finance), the rate in force on a day, and conversion.

- `record_rate` is the only writer of ExchangeRate (append-only; a same-day correction is a new row).
- `rate_on(currency, day)` / `convert(amount, currency, day)`: one lookup, for pages and services.
- `rate_in_force(currency, day)` / `converted(amount, currency, day)`: the same rule as ORM expressions,
  for set-based queries (analytics.kpis uses them inside its INSERT ... SELECT): a correlated, indexed
  as-of lookup evaluated only for rows that are not already in the program currency.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from fx.models import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, ExchangeRate
from prm.audit import record_audit
from prm.guards import require_role
from prm.money import CENT, is_currency

FINANCE = {Role.FINANCE}
EARLIEST = date(2000, 1, 1)
RATE_FIELD = DecimalField(max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES)
CONVERTED_FIELD = DecimalField(max_digits=24, decimal_places=2)


def program_currency() -> str:
    return settings.DEFAULT_CURRENCY


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
    if value < EARLIEST:
        raise ValidationError(
            {"effective_from": [_("Rates start on %(date)s at the earliest.") % {"date": EARLIEST.isoformat()}]}
        )
    if value > timezone.localdate().replace(year=timezone.localdate().year + 1):
        raise ValidationError({"effective_from": [_("A rate may start at most one year from today.")]})
    return value


@transaction.atomic
def record_rate(*, user, currency, rate, effective_from, note: str = "") -> ExchangeRate:
    """Finance records the rate of a currency from a day on (append-only, audited).

    A rate for a (currency, day) that already has one is a correction: the new row wins from now on, the
    old one stays in the table. The partners with records in that currency are queued for the next
    incremental KPI rollup, so the program totals pick the rate up.
    """
    require_role(user, FINANCE, gettext_lazy("record exchange rates"))
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
    transaction.on_commit(lambda: _queue_rollups(row.currency))
    return row


def partners_with_currency(currency: str) -> set[int]:
    """Partners having any deal, MDF record or commission entry in `currency` (their KPIs convert it)."""
    from commissions.models import CommissionEntry
    from deals.models import DealRegistration
    from mdf.models import Fund, MdfClaim, MdfRequest

    ids: set[int] = set()
    for model in (DealRegistration, MdfRequest, MdfClaim, Fund, CommissionEntry):
        ids |= set(
            model.objects.filter(currency=currency, partner_id__isnull=False)
            .order_by()
            .values_list("partner_id", flat=True)
            .distinct()
        )
    from deals.models import Influence

    ids |= set(
        Influence.objects.filter(deal__currency=currency).order_by().values_list("partner_id", flat=True).distinct()
    )
    return ids


def _queue_rollups(currency: str) -> None:
    from analytics.services import mark_dirty

    mark_dirty(partner_ids=partners_with_currency(currency))


# --- reads -------------------------------------------------------------------------------------------


def rate_on(currency: str, day: date) -> Decimal | None:
    """The rate in force for `currency` on `day` (latest effective_from <= day, latest correction of that
    day); 1 for the program currency; None when finance has no rate for that day."""
    if currency == program_currency():
        return Decimal(1)
    return (
        ExchangeRate.objects.filter(currency=currency, effective_from__lte=day)
        .in_force_order()
        .values_list("rate", flat=True)
        .first()
    )


def convert(amount, currency: str, day: date) -> Decimal | None:
    """`amount` of `currency` in the program currency at the rate of `day`, half-up to cents; None without
    a rate."""
    rate = rate_on(currency, day)
    if rate is None or amount is None:
        return None
    return (Decimal(amount) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def current_rates(day: date | None = None) -> dict[str, ExchangeRate]:
    """The row in force on `day` (default today) for each currency that has one (one query)."""
    from fx.selectors import in_force_ids

    rows = ExchangeRate.objects.filter(pk__in=in_force_ids(day)).order_by("currency")
    return {row.currency: row for row in rows}


def rate_in_force(currency: str, day: str):
    """ORM expression: the rate of the outer row's `currency` (a field path) in force on its `day` (a date
    field or annotation); NULL without one. A correlated as-of lookup on the (currency, effective_from,
    created_at) index: the latest effective_from on or before the day, the latest correction of that day."""
    rates = (
        ExchangeRate.objects.filter(currency=OuterRef(currency), effective_from__lte=OuterRef(day))
        .order_by("-effective_from", "-created_at", "-id")
        .values("rate")[:1]
    )
    return Subquery(rates, output_field=RATE_FIELD)


def converted(amount: str, currency: str, day: str):
    """ORM expression: the field `amount` in the program currency, rounded half-up to cents per record, at
    the rate in force on `day`; NULL when the record's currency (field path `currency`) has no rate on that
    day. Rows already in the program currency are taken as they are (no lookup is evaluated for them)."""
    return Case(
        When(Q(**{currency: program_currency()}), then=F(amount)),
        default=Round(F(amount) * rate_in_force(currency, day), 2),
        output_field=CONVERTED_FIELD,
    )


def convertible(currency: str, day: str) -> Q:
    """Q: the record is in the program currency or has a rate on `day`: it is counted and summed. Its
    negation is what `other_currency_records` counts."""
    has_rate = Exists(ExchangeRate.objects.filter(currency=OuterRef(currency), effective_from__lte=OuterRef(day)))
    return Q(**{currency: program_currency()}) | Q(has_rate)


def program_sum(amount: str, day: str, currency: str = "currency", **options):
    """Sum(...) of `amount` converted into the program currency at the rates of `day` (records without a
    rate are skipped: count them with `unconverted_count`). For grouped queries of other apps' program
    totals, e.g. `funds.values("partner__tier_id").annotate(paid=program_sum("paid", "period_start"))`."""
    from django.db.models import Sum

    return Sum(converted(amount, currency, day), **options)


def unconverted_count(day: str, currency: str = "currency"):
    """Count(...) of the records in another currency with no rate on `day` (left out of `program_sum`)."""
    from django.db.models import Count

    return Count("id", filter=~convertible(currency, day))
