"""Reads of exchange rates: the rate in force on a day, and every conversion between currencies.

This module is the one home of the conversion rule (docs/fx.md); other apps call it and never recompute
a rate themselves.

- `rate_on(currency, day)` / `convert(amount, currency, day, to=...)`: one lookup, for pages and services.
- `rate_in_force(currency, day)` / `converted(amount, currency, day, to=...)`: the same rule as ORM
  expressions, for set-based queries (analytics.kpis uses them inside its INSERT ... SELECT): a
  correlated, indexed as-of lookup evaluated only for rows that are not already in the target currency.
- Rates are program currency per unit; a conversion between two other currencies goes through the
  program currency at the two rates of the same day (amount x rate(from) / rate(to)), rounded half-up to
  cents once, at the end.
"""

from bisect import bisect_right
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, Count, DecimalField, Exists, F, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Round
from django.utils import timezone

from fx.models import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, ExchangeRate
from prm.money import CENT

RATE_FIELD = DecimalField(max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES)
CONVERTED_FIELD = DecimalField(max_digits=24, decimal_places=2)


def program_currency() -> str:
    return settings.DEFAULT_CURRENCY


# --- the rate table, for pages ------------------------------------------------------------------------


def in_force_ids(day: date | None = None):
    """A subquery of the ids of the rows in force on `day` (one per currency that has a rate by then)."""
    day = day or timezone.localdate()
    latest = (
        ExchangeRate.objects.filter(currency=OuterRef("currency"), effective_from__lte=day)
        .order_by("-effective_from", "-created_at", "-id")
        .values("pk")[:1]
    )
    return ExchangeRate.objects.filter(effective_from__lte=day, pk=Subquery(latest)).values("pk")


def _later_correction():
    return ExchangeRate.objects.filter(currency=OuterRef("currency"), effective_from=OuterRef("effective_from")).filter(
        Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )


def rates_for(user, day: date | None = None):
    """The rates the user may read, each annotated `in_force` (the row in force on `day`, default today),
    `superseded` (a later correction of the same currency and day exists) and `scheduled` (starts after
    `day`). Newest first within each currency."""
    day = day or timezone.localdate()
    return (
        ExchangeRate.objects.visible_to(user)
        .select_related("created_by")
        .annotate(
            in_force=Q(pk__in=in_force_ids(day)),
            superseded=Exists(_later_correction()),
            scheduled=Q(effective_from__gt=day),
        )
        .order_by("currency", "-effective_from", "-created_at", "-id")
    )


def current_rates(user, day: date | None = None) -> list[ExchangeRate]:
    """The row in force on `day` for each currency, in currency order (one query)."""
    return list(ExchangeRate.objects.visible_to(user).filter(pk__in=in_force_ids(day)).order_by("currency"))


def rates_in_force(day: date | None = None) -> dict[str, ExchangeRate]:
    """The row in force on `day` (default today) for each currency that has one (one query), unscoped."""
    rows = ExchangeRate.objects.filter(pk__in=in_force_ids(day)).order_by("currency")
    return {row.currency: row for row in rows}


def rates_during(start: date, end: date) -> list[ExchangeRate]:
    """The rates a period's amounts were converted at: per currency, the row in force on `start` and the
    rows taking effect before `end` (exclusive), without superseded same-day corrections (one query)."""
    return list(
        ExchangeRate.objects.filter(Q(pk__in=in_force_ids(start)) | Q(effective_from__gt=start, effective_from__lt=end))
        .exclude(Exists(_later_correction()))
        .order_by("currency", "effective_from")
    )


# --- single values ------------------------------------------------------------------------------------


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


def convert(amount, currency: str, day: date, to: str | None = None) -> Decimal | None:
    """`amount` of `currency` in `to` (default the program currency) at the rates of `day`, half-up to
    cents; None without a rate for either currency."""
    to = to or program_currency()
    if amount is None:
        return None
    if currency == to:
        return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    rate, target = rate_on(currency, day), rate_on(to, day)
    if rate is None or target is None:
        return None
    return (Decimal(amount) * rate / target).quantize(CENT, rounding=ROUND_HALF_UP)


# --- ORM expressions, for set-based queries -----------------------------------------------------------


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


def _target_rate(to: str, day: str):
    """ORM expression: the rate of the fixed currency `to` in force on the outer row's `day`."""
    rates = (
        ExchangeRate.objects.filter(currency=to, effective_from__lte=OuterRef(day))
        .order_by("-effective_from", "-created_at", "-id")
        .values("rate")[:1]
    )
    return Subquery(rates, output_field=RATE_FIELD)


def converted(amount: str, currency: str, day: str, to: str | None = None):
    """ORM expression: the field `amount` in `to` (default the program currency), rounded half-up to cents
    per record, at the rates in force on `day`; NULL when the record's currency (field path `currency`) or
    `to` has no rate on that day. Rows already in `to` are taken as they are (no lookup is evaluated)."""
    to = to or program_currency()
    if to == program_currency():
        default = Round(F(amount) * rate_in_force(currency, day), 2)
    else:
        source = Case(
            When(Q(**{currency: program_currency()}), then=Value(Decimal(1))),
            default=rate_in_force(currency, day),
            output_field=RATE_FIELD,
        )
        default = Round(F(amount) * source / _target_rate(to, day), 2)
    return Case(When(Q(**{currency: to}), then=F(amount)), default=default, output_field=CONVERTED_FIELD)


def convertible(currency: str, day: str, to: str | None = None) -> Q:
    """Q: the record is in `to` (default the program currency) or both currencies have a rate on `day`: it
    is counted and summed. Its negation is what `other_currency_records` counts."""
    to = to or program_currency()
    has_rate = Q(**{currency: program_currency()}) | Q(
        Exists(ExchangeRate.objects.filter(currency=OuterRef(currency), effective_from__lte=OuterRef(day)))
    )
    if to != program_currency():
        has_rate &= Q(Exists(ExchangeRate.objects.filter(currency=to, effective_from__lte=OuterRef(day))))
    return Q(**{currency: to}) | has_rate


def program_sum(amount: str, day: str, currency: str = "currency", **options):
    """Sum(...) of `amount` converted into the program currency at the rates of `day` (records without a
    rate are skipped: count them with `unconverted_count`). For grouped queries of other apps' program
    totals, e.g. `funds.values("partner__tier_id").annotate(paid=program_sum("paid", "period_start"))`."""
    return Sum(converted(amount, currency, day), **options)


def unconverted_count(day: str, currency: str = "currency"):
    """Count(...) of the records in another currency with no rate on `day` (left out of `program_sum`)."""
    return Count("id", filter=~convertible(currency, day))


def unconverted(
    queryset, amount: str, day: str, currency: str = "currency", to: str | None = None, group: tuple = ()
) -> list[dict]:
    """The records of `queryset` that cannot be converted into `to` (default the program currency) on
    their `day`: one row per currency (and per `group` field, e.g. ("partner_id",)), `{"currency",
    "records", "amount", *group}` with the amount in that currency (one grouped query). Pages show these
    as an "unconverted" line instead of dropping them."""
    rows = (
        queryset.filter(~convertible(currency, day, to))
        .order_by()
        .values(*group, currency)
        .annotate(records=Count("id"), total=Sum(amount))
        .order_by(*group, currency)
    )
    return [
        {
            **{name: row[name] for name in group},
            "currency": row[currency],
            "records": row["records"],
            "amount": Decimal(row["total"] or 0).quantize(CENT),
        }
        for row in rows
    ]


def missing_rates(queryset, day: str, currency: str = "currency", to: str | None = None) -> dict[str, date]:
    """{currency: the earliest `day` on which a record of `queryset` cannot be converted into `to`} (one
    grouped query, two when `to` is not the program currency): what finance is alerted about
    (fx.services.report_missing_rates). When `to` itself has no rate, `to` is reported too."""
    to = to or program_currency()
    rows = (
        queryset.filter(~convertible(currency, day, to))
        .order_by()
        .values(currency)
        .annotate(since=Min(day))
        .values_list(currency, "since")
    )
    missing: dict[str, date] = {}
    for code, since in rows:
        if since is None:
            continue
        if rate_on(code, since) is None:
            missing[code] = min(since, missing.get(code, since))
        if rate_on(to, since) is None:
            missing[to] = min(since, missing.get(to, since))
    return missing


class RateBook:
    """The rates of some currencies loaded once (one query), for loops that convert many amounts (the
    commission engine's chunks): the same rule as `rate_on` / `convert` (latest effective_from on or
    before the day, latest correction of that day), without a query per amount. Unknown days or
    currencies give None; `missing` collects {currency: earliest day} that had no rate."""

    def __init__(self, currencies):
        self._bisect = bisect_right
        self._days: dict[str, list[date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        self.missing: dict[str, date] = {}
        codes = sorted({code for code in currencies if code and code != program_currency()})
        rows = ExchangeRate.objects.filter(currency__in=codes).order_by(
            "currency", "effective_from", "created_at", "id"
        )
        for code, day, rate in rows.values_list("currency", "effective_from", "rate"):
            days, rates = self._days.setdefault(code, []), self._rates.setdefault(code, [])
            if days and days[-1] == day:
                rates[-1] = rate  # a later correction of the same day wins
            else:
                days.append(day)
                rates.append(rate)

    def rate_on(self, currency: str, day: date) -> Decimal | None:
        if currency == program_currency():
            return Decimal(1)
        days = self._days.get(currency, [])
        index = self._bisect(days, day)
        return self._rates[currency][index - 1] if index else None

    def convert(self, amount, currency: str, day: date, to: str | None = None) -> Decimal | None:
        """As `convert`; a miss is remembered in `missing` (the currency without a rate on `day`)."""
        to = to or program_currency()
        if currency == to:
            return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
        rate, target = self.rate_on(currency, day), self.rate_on(to, day)
        for code, found in ((currency, rate), (to, target)):
            if found is None:
                self.missing[code] = min(day, self.missing.get(code, day))
        if rate is None or target is None:
            return None
        return (Decimal(amount) * rate / target).quantize(CENT, rounding=ROUND_HALF_UP)
