"""KPI definitions and their set-based computation (DESIGN.md: Analytics).

Every figure is an aggregate over a whole source table (optionally restricted to a set of partners),
grouped by partner and month in SQL. A rebuild is two INSERT ... SELECT statements whatever the number
of partners: the month rows (every source's grouped query, built with the ORM, in one UNION ALL, summed
per partner and month and joined to the partners' dimensions), then the quarter rows from them. A
quarter is the combination of its months (sums of the months' sums, counts and cycle days; rates
recomputed from the summed parts; point-in-time figures from the quarter's last month), so quarter
rows always agree with their months. Full and incremental rebuilds run this same code.

Definitions (period = a month, "2026-11", or a fiscal quarter, "2026-Q4"):
- Amounts are in the program currency (settings.DEFAULT_CURRENCY). A deal, MDF request, claim, fund or
  commission entry in another currency is converted at finance's rate (fx.ExchangeRate) in force on the
  record's date for that figure, the same date that puts it in a period (close date for bookings and
  lost deals, submitted_at for registrations, decided_at for pipeline and MDF commitments, paid_at for
  claims and paid commissions, earned_on for owed commissions, the fund's period start, the influence's
  created_at for influenced pipeline), rounded half-up to cents per record (fx.selectors.converted: an
  indexed as-of lookup inside the same INSERT ... SELECT, evaluated only for rows not in the program
  currency). A record whose currency has no rate on that date is left out of every figure (amounts AND
  counts, so the figures stay consistent with each other) and counted in `other_currency_records`.
Every definition below is listed once in docs/figures.md with the app that owns it; where this module
mirrors another app's selector in SQL, a test proves the two equal (tests/analytics/test_figures.py).

- Dimensions: tier_id is the tier the partner held at the period's end (partners.TierChange history; the
  partner's current tier when it has none), so history stays in the tier it was earned in.
- Partner-sourced deals are deals.DealRegistration.objects.partner_sourced(): the partner's own
  registrations, never a deal made by accepting a lead the vendor passed (vendor-sourced, partner-worked).
- sourced_bookings: amounts of partner-sourced deals won with close_date in the period; won_deals is
  their number; new_bookings (deal_type new_business) + expansion_bookings (expansion AND renewal:
  a renewal is business with an existing customer, so it counts as expansion) = sourced_bookings.
- lost_deals: partner-sourced deals lost in the period (by close_date, or for a deal lost without one,
  the day it was last changed, i.e. marked lost).
- win_rate = won_deals / (won_deals + lost_deals); None when neither.
- sales_cycle_days = cycle_days_total / won_deals, where a won deal's cycle is close_date minus the day
  it was submitted (created, for one never submitted), never below 0; None without won deals.
- average_deal_size = sourced_bookings / won_deals; None without won deals.
- registered_deals / registered_value: registrations the vendor accepted (decided_at) in the period, still
  open or since won, lost or expired (DealRegistration.objects.registered(), the rows the tier engine's
  registered_deals provider counts); rejected ones (conflicts, duplicates) never count.
- sourced_pipeline: amounts of those registered deals (pipeline created in the period; = registered_value).
- influenced_bookings: won deals of another partner, or direct deals, that the partner has at least one
  Influence row on, by the deal's close_date (a deal counts once whatever the number of influence kinds).
- program_influenced_bookings: the same deals counted once for the whole program: each at its first
  eligible influence (lowest Influence id not by the deal's own sourcing partner). Program figures (totals,
  trend, groups) sum this column, so a direct deal of 75,000 influenced by two partners is 75,000 of
  program influenced business while each partner's influenced_bookings still credits it in full.
- influenced_pipeline: approved (open) deals of another partner, or direct, by the partner's first
  influence's created_at.
- certified_people: distinct people of the partner holding a certificate valid at the period's end (or now,
  for the running period; enablement.selectors.valid_at); a quarter takes its last month's.
  sales_certified_people: the same for sales certifications only (the tier requirement and the scorecard's
  sales expertise).
- certified_target: certified_people_target of the partner's JointBusinessPlan for the quarter (a
  month shows its quarter's target).
- MDF: mdf_committed = approved amounts of MDF requests approved (decided_at) in the period, whatever
  became of them since (approved, completed, lapsed); mdf_spent = approved amounts of claims paid
  (paid_at) in the period; mdf_available = what is still available on the funds of the period (funds
  whose period starts in it); mdf_earned = accrued + allocated and mdf_invested = committed + paid of
  those funds; mdf_utilisation = mdf_invested / mdf_earned (mdf.selectors.utilisation, the one definition
  the MDF program view uses too); mdf_pipeline = the part of
  sourced_pipeline whose deals name the MDF request that sourced them; pipeline_per_mdf_dollar =
  mdf_pipeline / mdf_spent (None when nothing was spent).
- commission_paid: ledger entries paid (paid_at) in the period; commission_owed: entries earned
  (earned_on) in the period and not paid yet, pending, approved or batched. Both are net sums: a
  clawback is a negative entry (commissions.services) and lowers them.
- leads_assigned / leads_accepted / leads_expired: leads passed (assigned_at) to the partner in the
  period, the ones it accepted, and the ones returned for missing the SLA - including leads that were
  assigned to another partner since (deals.LeadReturn keeps the miss with the partner that missed it);
  lead_acceptance_rate = accepted / assigned (None when none). A lead whose customer a partner's
  registration protected (it could not be accepted) is left out of all three while it waits and once
  it lapsed (docs/policy.md, "Leads for protected customers").

The history horizon is settings.ANALYTICS_HISTORY_MONTHS (default 24) months before the current one,
widened to the start of that quarter, plus the running month and quarter.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, DateField, Exists, F, Func, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncDate, TruncMonth
from django.utils import timezone

from prm.periods import Period, _add_months, month_of, quarter_of

RATE = Decimal("0.0001")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

MONEY_FIELDS = (
    "sourced_bookings",
    "influenced_bookings",
    "program_influenced_bookings",
    "sourced_pipeline",
    "influenced_pipeline",
    "new_bookings",
    "expansion_bookings",
    "registered_value",
    "mdf_committed",
    "mdf_spent",
    "mdf_available",
    "mdf_pipeline",
    "mdf_earned",
    "mdf_invested",
    "commission_paid",
    "commission_owed",
)
COUNT_FIELDS = (
    "registered_deals",
    "won_deals",
    "lost_deals",
    "cycle_days_total",
    "leads_assigned",
    "leads_accepted",
    "leads_expired",
    "other_currency_records",
)
# Point-in-time figures: a quarter takes its last month's value.
LEVEL_FIELDS = ("certified_people", "sales_certified_people", "certified_target")
# Month rows of these come from one member per month (the set valid at each month's end differs).
CERTIFICATE_FIELDS = ("certified_people", "sales_certified_people")
DERIVED_FIELDS = (
    "win_rate",
    "sales_cycle_days",
    "average_deal_size",
    "mdf_utilisation",
    "pipeline_per_mdf_dollar",
    "lead_acceptance_rate",
)
KPI_FIELDS = MONEY_FIELDS + COUNT_FIELDS + LEVEL_FIELDS + DERIVED_FIELDS


@dataclass(frozen=True)
class Horizon:
    months: list[Period]
    quarters: list[Period]

    @property
    def start(self) -> date:
        return self.quarters[0].start

    @property
    def end(self) -> date:
        return self.months[-1].end


def history_horizon(today: date | None = None) -> Horizon:
    """The periods a rollup rebuilds: ANALYTICS_HISTORY_MONTHS back, from that quarter's start, to today."""
    today = today or timezone.localdate()
    back = getattr(settings, "ANALYTICS_HISTORY_MONTHS", 24)
    first = quarter_of(_add_months(date(today.year, today.month, 1), -back)).start
    current = month_of(today)
    months, day = [], first
    while day <= current.start:
        months.append(month_of(day))
        day = _add_months(day, 1)
    quarters = []
    for month in months:
        quarter = quarter_of(month.start)
        if not quarters or quarters[-1].key != quarter.key:
            quarters.append(quarter)
    return Horizon(months=months, quarters=quarters)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class DaysBetween(Func):
    """Whole days from the local date of a timestamp to a date, never below zero."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        end, start = (compiler.compile(expr) for expr in self.get_source_expressions())
        tz = timezone.get_current_timezone_name()
        if connection.vendor == "postgresql":
            sql = f"GREATEST(({end[0]}) - (({start[0]}) AT TIME ZONE %s)::date, 0)"
            return sql, (*end[1], *start[1], tz)
        # SQLite (and others): julian day arithmetic; timestamps are stored in UTC.
        sql = f"MAX(CAST(julianday({end[0]}) - julianday(date({start[0]})) AS INTEGER), 0)"
        return sql, (*end[1], *start[1])


def _in_program_currency():
    """Records in the program currency (no conversion needed)."""
    return Q(currency=settings.DEFAULT_CURRENCY)


def _money(amount: str, day: str, currency: str = "currency"):
    """The record's amount in the program currency at the rate of `day` (NULL without a rate: Sum skips it)."""
    from fx.selectors import converted

    return converted(amount, currency, day)


def _counted(day: str, currency: str = "currency") -> Q:
    """The record is in the program currency or has a rate on `day`: it counts; otherwise it is an
    other-currency record."""
    from fx.selectors import convertible

    return convertible(currency, day)


def _scope(queryset, partner_ids, field="partner_id"):
    return queryset if partner_ids is None else queryset.filter(**{f"{field}__in": list(partner_ids)})


def _deal_sources(horizon: Horizon, partner_ids):
    from deals.models import DealRegistration, DealStatus, DealType

    start, start_at = horizon.start, _aware(horizon.start)
    # Partner-sourced deals only (deals' DealRegistration.objects.partner_sourced, docs/figures.md): a deal
    # made by accepting a vendor's lead is vendor-sourced and partner-worked.
    deals = _scope(DealRegistration.objects.partner_sourced(), partner_ids)
    won = deals.filter(status=DealStatus.WON, close_date__gte=start).values(
        "partner_id", bucket=TruncMonth("close_date")
    )
    counted, amount = _counted("close_date"), _money("amount", "close_date")
    yield (
        won.annotate(
            k_bookings=Sum(amount, filter=counted),
            k_won=Count("id", filter=counted),
            k_new=Sum(amount, filter=counted & Q(deal_type=DealType.NEW_BUSINESS)),
            k_expansion=Sum(amount, filter=counted & ~Q(deal_type=DealType.NEW_BUSINESS)),
            k_cycle=Sum(DaysBetween("close_date", Coalesce("submitted_at", "created_at")), filter=counted),
            k_other=Count("id", filter=~counted),
        ),
        {
            "sourced_bookings": "k_bookings",
            "won_deals": "k_won",
            "new_bookings": "k_new",
            "expansion_bookings": "k_expansion",
            "cycle_days_total": "k_cycle",
            "other_currency_records": "k_other",
        },
    )
    lost = (
        deals.filter(status=DealStatus.LOST)
        .annotate(lost_on=Coalesce("close_date", TruncDate("updated_at"), output_field=DateField()))
        .filter(lost_on__gte=start)
        .values("partner_id", bucket=TruncMonth("lost_on", output_field=DateField()))
    )
    counted = _counted("lost_on")
    yield (
        lost.annotate(k_lost=Count("id", filter=counted), k_other=Count("id", filter=~counted)),
        {
            "lost_deals": "k_lost",
            "other_currency_records": "k_other",
        },
    )
    # Registered deals = the registrations the vendor accepted, by the decision's date: the rows of
    # deals.providers.registered_deals (DealRegistration.objects.registered); their value is the pipeline
    # they created.
    registered = (
        _scope(DealRegistration.objects.registered(), partner_ids)
        .filter(decided_at__gte=start_at)
        .alias(fx_day=TruncDate("decided_at"))
        .values("partner_id", bucket=TruncMonth("decided_at"))
    )
    counted, amount = _counted("fx_day"), _money("amount", "fx_day")
    yield (
        registered.annotate(
            k_n=Count("id", filter=counted),
            k_value=Sum(amount, filter=counted),
            k_mdf=Sum(amount, filter=counted & Q(mdf_request__isnull=False)),
            k_other=Count("id", filter=~counted),
        ),
        {
            "registered_deals": "k_n",
            "registered_value": "k_value",
            "sourced_pipeline": "k_value",
            "mdf_pipeline": "k_mdf",
            "other_currency_records": "k_other",
        },
    )


def _first_influences(partner_ids):
    """One Influence row per (deal, partner): the first, so a deal counts once per influencing partner;
    never the deal's own sourcing partner."""
    from deals.models import Influence

    earlier = Influence.objects.filter(
        deal_id=OuterRef("deal_id"), partner_id=OuterRef("partner_id"), pk__lt=OuterRef("pk")
    )
    return _scope(_eligible(Influence.objects.filter(~Exists(earlier))), partner_ids)


def _eligible(influences):
    """Influences that count: never the deal's own sourcing partner's."""
    return influences.filter(Q(deal__partner__isnull=True) | ~Q(deal__partner_id=F("partner_id")))


def _first_on_deal() -> Q:
    """The influence row is the deal's first eligible one (the deal's program-level credit goes there)."""
    from deals.models import Influence

    earlier = _eligible(Influence.objects.filter(deal_id=OuterRef("deal_id"), pk__lt=OuterRef("pk")))
    return ~Q(Exists(earlier))


def _influence_sources(horizon: Horizon, partner_ids):
    from deals.models import DealStatus

    won = (
        _first_influences(partner_ids)
        .filter(deal__status=DealStatus.WON, deal__close_date__gte=horizon.start)
        .values("partner_id", bucket=TruncMonth("deal__close_date"))
    )
    counted = _counted("deal__close_date", "deal__currency")
    amount = _money("deal__amount", "deal__close_date", "deal__currency")
    yield (
        won.annotate(
            k_value=Sum(amount, filter=counted),
            k_program=Sum(amount, filter=counted & _first_on_deal()),
            k_other=Count("id", filter=~counted),
        ),
        {
            "influenced_bookings": "k_value",
            "program_influenced_bookings": "k_program",
            "other_currency_records": "k_other",
        },
    )
    open_deals = (
        _first_influences(partner_ids)
        .filter(deal__status=DealStatus.APPROVED, created_at__gte=_aware(horizon.start))
        .alias(fx_day=TruncDate("created_at"))
        .values("partner_id", bucket=TruncMonth("created_at"))
    )
    counted = _counted("fx_day", "deal__currency")
    yield (
        open_deals.annotate(
            k_value=Sum(_money("deal__amount", "fx_day", "deal__currency"), filter=counted),
            k_other=Count("id", filter=~counted),
        ),
        {
            "influenced_pipeline": "k_value",
            "other_currency_records": "k_other",
        },
    )


def _lead_sources(horizon: Horizon, partner_ids):
    from deals.models import Lead, LeadReturn, LeadStatus

    # A lead for a customer a partner's registration protects cannot be accepted (deals.services.accept_lead):
    # while it waits and once it lapsed, it never counts against the partner (docs/policy.md).
    leads = _scope(
        Lead.objects.filter(partner__isnull=False, assigned_at__gte=_aware(horizon.start)).exclude(
            Q(lapse_excused=True) | Q(status=LeadStatus.ASSIGNED, customer_protected=True)
        ),
        partner_ids,
    )
    yield (
        leads.values("partner_id", bucket=TruncMonth("assigned_at")).annotate(
            k_assigned=Count("id"),
            k_accepted=Count("id", filter=Q(status=LeadStatus.ACCEPTED)),
            k_expired=Count("id", filter=Q(status=LeadStatus.RETURNED)),
        ),
        {"leads_assigned": "k_assigned", "leads_accepted": "k_accepted", "leads_expired": "k_expired"},
    )
    # Misses of leads that have since been assigned to someone else (deals.LeadReturn): the lead row now
    # describes its new assignment, so the earlier partner's miss would otherwise vanish.
    superseded = _scope(
        LeadReturn.objects.filter(assigned_at__gte=_aware(horizon.start), excused=False), partner_ids
    ).exclude(lead__partner_id=F("partner_id"), lead__assigned_at=F("assigned_at"))
    yield (
        superseded.values("partner_id", bucket=TruncMonth("assigned_at")).annotate(k_missed=Count("id")),
        {"leads_assigned": "k_missed", "leads_expired": "k_missed"},
    )


def _enablement_sources(horizon: Horizon, partner_ids):
    """One grouped member per month of the horizon (the valid-at-month-end set differs per month)."""
    from enablement.models import Certificate, CertificationKind
    from enablement.selectors import valid_at

    now = timezone.now()
    certificates = _scope(Certificate.objects.all(), partner_ids)
    for month in horizon.months:
        at = min(_aware(month.end), now)
        rows = (
            certificates.filter(valid_at(at))
            .values("partner_id")
            .annotate(
                k_people=Count("user_id", distinct=True),
                k_sales=Count("user_id", distinct=True, filter=Q(certification__kind=CertificationKind.SALES)),
            )
        )
        yield rows, {"certified_people": "k_people", "sales_certified_people": "k_sales", "bucket": month.start}


def _mdf_sources(horizon: Horizon, partner_ids):
    from mdf.models import Fund, MdfClaim, MdfRequest, RequestStatus

    start_at = _aware(horizon.start)
    committed = (
        _scope(MdfRequest.objects, partner_ids)
        .filter(
            decided_at__gte=start_at,
            status__in=[RequestStatus.APPROVED, RequestStatus.COMPLETED, RequestStatus.LAPSED],
        )
        .alias(fx_day=TruncDate("decided_at"))
    )
    counted = _counted("fx_day")
    yield (
        committed.values("partner_id", bucket=TruncMonth("decided_at")).annotate(
            k_value=Sum(_money("approved_amount", "fx_day"), filter=counted), k_other=Count("id", filter=~counted)
        ),
        {"mdf_committed": "k_value", "other_currency_records": "k_other"},
    )
    spent = _scope(MdfClaim.objects, partner_ids).filter(paid_at__gte=start_at).alias(fx_day=TruncDate("paid_at"))
    yield (
        spent.values("partner_id", bucket=TruncMonth("paid_at")).annotate(
            k_value=Sum(_money("approved_amount", "fx_day"), filter=counted), k_other=Count("id", filter=~counted)
        ),
        {"mdf_spent": "k_value", "other_currency_records": "k_other"},
    )
    funds = _scope(Fund.objects, partner_ids).filter(period_start__gte=horizon.start, period_start__lt=horizon.end)
    counted = _counted("period_start")

    def money(*names):
        total = _money(names[0], "period_start")
        for name in names[1:]:
            total = total + _money(name, "period_start")
        return Sum(total, filter=counted)

    # mdf_earned / mdf_invested: the parts of MDF utilisation (mdf.selectors.utilisation, docs/figures.md).
    yield (
        funds.values("partner_id", bucket=TruncMonth("period_start")).annotate(
            k_value=money("available"),
            k_earned=money("accrued", "allocated"),
            k_invested=money("committed", "paid"),
            k_other=Count("id", filter=~counted),
        ),
        {
            "mdf_available": "k_value",
            "mdf_earned": "k_earned",
            "mdf_invested": "k_invested",
            "other_currency_records": "k_other",
        },
    )


def _commission_sources(horizon: Horizon, partner_ids):
    from commissions.models import CommissionEntry, EntryStatus

    entries = _scope(CommissionEntry.objects, partner_ids)
    paid = entries.filter(status=EntryStatus.PAID, paid_at__gte=_aware(horizon.start)).alias(
        fx_day=TruncDate("paid_at")
    )
    counted = _counted("fx_day")
    yield (
        paid.values("partner_id", bucket=TruncMonth("paid_at")).annotate(
            k_value=Sum(_money("amount", "fx_day"), filter=counted), k_other=Count("id", filter=~counted)
        ),
        {"commission_paid": "k_value", "other_currency_records": "k_other"},
    )
    owed = entries.exclude(status=EntryStatus.PAID).filter(earned_on__gte=horizon.start)
    counted = _counted("earned_on")
    yield (
        owed.values("partner_id", bucket=TruncMonth("earned_on")).annotate(
            k_value=Sum(_money("amount", "earned_on"), filter=counted), k_other=Count("id", filter=~counted)
        ),
        {"commission_owed": "k_value", "other_currency_records": "k_other"},
    )


def missing_rates(horizon: Horizon, partner_ids) -> dict:
    """{currency: earliest day} of the horizon's records the rollup could not convert (no rate for the
    record's date): won and registered deals, MDF requests, claims and funds, commission entries. Finance
    is alerted about them after each rollup (fx.services.report_missing_rates; docs/fx.md)."""
    from commissions.models import CommissionEntry
    from deals.models import DealRegistration, DealStatus
    from fx.selectors import missing_rates as missing_in
    from mdf.models import Fund, MdfClaim, MdfRequest

    start_at = _aware(horizon.start)
    deals = DealRegistration.objects.all()
    if partner_ids is not None:
        # A partner's influenced deals are other partners' or direct ones: include them.
        deals = deals.filter(Q(partner_id__in=list(partner_ids)) | Q(influences__partner_id__in=list(partner_ids)))
    sources = [
        (deals.filter(status=DealStatus.WON, close_date__gte=horizon.start), "close_date"),
        (
            _scope(DealRegistration.objects.registered(), partner_ids)
            .filter(decided_at__gte=start_at)
            .alias(fx_day=TruncDate("decided_at")),
            "fx_day",
        ),
        (
            _scope(MdfRequest.objects, partner_ids)
            .filter(decided_at__gte=start_at)
            .alias(fx_day=TruncDate("decided_at")),
            "fx_day",
        ),
        (
            _scope(MdfClaim.objects, partner_ids).filter(paid_at__gte=start_at).alias(fx_day=TruncDate("paid_at")),
            "fx_day",
        ),
        (_scope(Fund.objects, partner_ids).filter(period_start__gte=horizon.start), "period_start"),
        (_scope(CommissionEntry.objects, partner_ids).filter(earned_on__gte=horizon.start), "earned_on"),
    ]
    missing: dict = {}
    for queryset, day in sources:
        for currency, since in missing_in(queryset, day).items():
            missing[currency] = min(since, missing.get(currency, since))
    return missing


SOURCES = (_deal_sources, _influence_sources, _lead_sources, _enablement_sources, _mdf_sources, _commission_sources)
ACCUMULATED = MONEY_FIELDS + COUNT_FIELDS + CERTIFICATE_FIELDS
# Progress steps of a rebuild: started (outside the transaction), months written, quarters written.
STEPS = 3


def _ratio(numerator, denominator, places=RATE):
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(places, rounding=ROUND_HALF_UP)


def _utilisation(row: dict):
    from mdf.selectors import utilisation

    # The parts are already summed: invested = committed + paid, earned = accrued + allocated.
    return utilisation(committed=row.get("mdf_invested", 0), paid=0, accrued=row.get("mdf_earned", 0), allocated=0)


def derive(row: dict) -> dict:
    """The rates and averages of a group of rows from its summed parts (program dashboard and API)."""
    won, lost = row.get("won_deals", 0), row.get("lost_deals", 0)
    row["win_rate"] = _ratio(won, won + lost)
    row["sales_cycle_days"] = _ratio(row.get("cycle_days_total", 0), won, TENTH)
    row["average_deal_size"] = _ratio(row.get("sourced_bookings", 0), won, CENT)
    row["mdf_utilisation"] = _utilisation(row)
    row["pipeline_per_mdf_dollar"] = _ratio(row.get("mdf_pipeline", 0), row.get("mdf_spent", 0), CENT)
    row["lead_acceptance_rate"] = _ratio(row.get("leads_accepted", 0), row.get("leads_assigned", 0))
    return row


def _derived_sql(col, vendor: str) -> dict[str, str]:
    """The same rates as `derive`, in SQL over the summed columns `col(name)` (half-up rounding), capped
    at what their columns hold (a month can pay claims against a tiny commitment made earlier)."""
    least = "LEAST" if vendor == "postgresql" else "MIN"

    def ratio(numerator, denominator, places, cap=None):
        value = f"ROUND({numerator} * 1.0 / ({denominator}), {places})"
        if cap is not None:
            value = f"{least}({value}, {cap})"
        return f"CASE WHEN {denominator} > 0 THEN {value} END"

    won, lost = col("won_deals"), col("lost_deals")
    return {
        "win_rate": ratio(won, f"{won} + {lost}", 4),
        "sales_cycle_days": ratio(col("cycle_days_total"), won, 1, "999999.9"),
        "average_deal_size": ratio(col("sourced_bookings"), won, 2),
        # mdf.selectors.utilisation: (committed + paid) / (accrued + allocated) of the period's funds.
        "mdf_utilisation": ratio(col("mdf_invested"), col("mdf_earned"), 4, "999.9999"),
        "pipeline_per_mdf_dollar": ratio(col("mdf_pipeline"), col("mdf_spent"), 2, "999999999999.99"),
        "lead_acceptance_rate": ratio(col("leads_accepted"), col("leads_assigned"), 4, "1"),
    }


def _timestamp(connection, day: date):
    """The start of `day` (local time) as a timestamp parameter."""
    return connection.ops.adapt_datetimefield_value(_aware(day))


def _as_date(connection, sql: str) -> str:
    return f"CAST({sql} AS date)" if connection.vendor == "postgresql" else f"date({sql})"


def _member(connection, queryset, mapping: dict) -> tuple[str, list, list[str]]:
    """One grouped source query as (sql, params, the KPI columns it gives), one row per partner and month."""
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    params = list(params)
    if "bucket" in mapping and not isinstance(mapping["bucket"], str):
        bucket, head = _as_date(connection, "%s"), [connection.ops.adapt_datefield_value(mapping["bucket"])]
    else:
        bucket, head = _as_date(connection, "s.bucket"), []
    names = [name for name in ACCUMULATED if name in mapping]
    # Identical column types in every member let PostgreSQL flatten a UNION ALL of them into one Append.
    columns = ", ".join(
        f"CAST(s.{mapping[name]} AS {'NUMERIC' if name in MONEY_FIELDS else 'BIGINT'}) AS {name}" for name in names
    )
    # Only our own identifiers and Django-compiled SQL are interpolated; values travel as parameters.
    sql = f"SELECT s.partner_id AS partner_id, {bucket} AS bucket, {columns} FROM ({sql}) s"  # noqa: S608
    return sql, head + params, names


def _partners_sql(connection, partner_ids) -> tuple[str, list]:
    from partners.models import Partner

    joined = Coalesce("joined_at", TruncDate("created_at"), output_field=DateField())
    partners = (
        _scope(Partner.objects.all(), partner_ids, "pk")
        .annotate(joined=joined, joined_year=ExtractYear(joined), joined_month=ExtractMonth(joined))
        .values(
            "id", "tier_id", "partner_type", "region", "channel_manager_id", "joined", "joined_year", "joined_month"
        )
        .order_by()
    )
    sql, params = partners.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def _tier_ranges_sql(connection, partner_ids) -> tuple[str, list]:
    """The partners' tier history (partners.TierChange) as ranges [valid_from, valid_to) of one tier each:
    every change opens a range closed by the next one, and the time before the first change holds the
    tier that change left (its from_tier; its to_tier for an initial assignment). Ranges never overlap, so
    a timestamp falls in at most one range per partner; a partner without changes has none (its current
    tier applies)."""
    from partners.models import TierChange

    table = connection.ops.quote_name(TierChange._meta.db_table)
    scope, params = "", []
    if partner_ids is not None:
        ids = list(partner_ids)
        scope = f" WHERE c.partner_id IN ({', '.join(['%s'] * len(ids))})" if ids else " WHERE 1 = 0"
        params = ids
    order = "PARTITION BY c.partner_id ORDER BY c.created_at, c.id"
    sql = (
        f"SELECT c.partner_id, c.to_tier_id AS tier_id, c.created_at AS valid_from, "  # noqa: S608 - identifiers
        f"LEAD(c.created_at) OVER ({order}) AS valid_to FROM {table} c{scope} "
        "UNION ALL "
        "SELECT f.partner_id, COALESCE(f.from_tier_id, f.to_tier_id), NULL, f.created_at FROM ("
        f"SELECT c.partner_id, c.from_tier_id, c.to_tier_id, c.created_at, ROW_NUMBER() OVER ({order}) AS n "
        f"FROM {table} c{scope}) f WHERE f.n = 1"
    )
    return sql, params + params


def _joined_quarter_sql() -> str:
    """The fiscal quarter key of p.joined, as prm.periods.quarter_of computes it."""
    offset = settings.FISCAL_YEAR_START_MONTH - 1
    index = f"(CAST(p.joined_year AS INTEGER) * 12 + CAST(p.joined_month AS INTEGER) - 1 - {offset})"
    year = f"({index} / 12)"
    quarter = f"(({index} - {year} * 12) / 3 + 1)"
    return f"CAST({year} + {1 if offset else 0} AS TEXT) || '-Q' || CAST({quarter} AS TEXT)"


def _values_table(connection, name: str, columns: list[str], rows: list[tuple]) -> tuple[str, list]:
    placeholders = ", ".join("(" + ", ".join(["%s"] * len(columns)) + ")" for _ in rows)
    params = [value for row in rows for value in row]
    return f"{name}({', '.join(columns)}) AS (VALUES {placeholders})", params


def write_months(connection, horizon: Horizon, partner_ids, computed_at) -> int:
    """INSERT ... SELECT of every month row of the horizon, all sources in one statement.

    Each source's grouped query (one row per partner and month) is a CTE, LEFT JOINed to the grid of
    partners x months; the certificate counts of the months are one UNION ALL. A partner gets a row for
    every month from the one it joined in (or was created in) onwards, and for any earlier month it has
    activity in. The row's tier is the one the partner held at the month's end (its TierChange history,
    `_tier_ranges_sql`), so a promotion never moves past months to the new tier (docs/figures.md).
    """
    ctes, params, sources, certificates, certificate_params = [], [], [], [], []
    for source in SOURCES:
        for queryset, mapping in source(horizon, partner_ids):
            sql, member_params, names = _member(connection, queryset, mapping)
            if set(names) <= set(CERTIFICATE_FIELDS):
                certificates.append(sql)
                certificate_params += member_params
                continue
            alias = f"s{len(sources)}"
            ctes.append(f"{alias} AS ({sql})")
            params += member_params
            sources.append((alias, names))
    if certificates:
        ctes.append(f"certs AS ({' UNION ALL '.join(certificates)})")
        params += certificate_params
        sources.append(("certs", list(CERTIFICATE_FIELDS)))
    date = connection.ops.adapt_datefield_value
    months_sql, months_params = _values_table(
        connection,
        "months",
        ["month_start", "period", "quarter_key", "period_end", "period_until"],
        [
            (date(m.start), m.key, quarter_of(m.start).key, date(m.end), _timestamp(connection, m.end))
            for m in horizon.months
        ],
    )
    partners_sql, partners_params = _partners_sql(connection, partner_ids)
    tiers_sql, tiers_params = _tier_ranges_sql(connection, partner_ids)
    figures = {}
    for name in ACCUMULATED:
        parts = [f"COALESCE({alias}.{name}, 0)" for alias, names in sources if name in names]
        figures[name] = f"({' + '.join(parts)})" if parts else "0"

    derived = _derived_sql(figures.__getitem__, connection.vendor)
    columns = [
        "partner_id", "period", "period_kind", "period_start", "tier_id", "partner_type", "region",
        "channel_manager_id", "joined_quarter", "currency", *ACCUMULATED, "certified_target", *derived, "computed_at",
    ]  # fmt: skip
    select = [
        "p.id", "m.period", "'month'", "m.month_start", "COALESCE(t.tier_id, p.tier_id)", "p.partner_type", "p.region",
        "p.channel_manager_id", _joined_quarter_sql(), "%s", *(figures[name] for name in ACCUMULATED),
        "COALESCE(j.target, 0)", *derived.values(), "%s",
    ]  # fmt: skip
    joins = " ".join(
        f"LEFT JOIN {alias} ON {alias}.partner_id = p.id AND {alias}.bucket = m.month_start" for alias, _ in sources
    )
    active = " OR ".join(f"{alias}.partner_id IS NOT NULL" for alias, _ in sources)
    table = connection.ops.quote_name("analytics_kpisnapshot")
    sql = (
        f"WITH {', '.join(ctes)}, {months_sql}, ptn AS ({partners_sql}), tiers AS ({tiers_sql}) "  # noqa: S608
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(select)} FROM ptn p CROSS JOIN months m {joins} "
        "LEFT JOIN tiers t ON t.partner_id = p.id AND (t.valid_from IS NULL OR t.valid_from < m.period_until) "
        "AND (t.valid_to IS NULL OR t.valid_to >= m.period_until) "
        "LEFT JOIN (SELECT partner_id, period, MAX(certified_people_target) AS target "
        "FROM partners_jointbusinessplan GROUP BY partner_id, period) j "
        "ON j.partner_id = p.id AND j.period = m.quarter_key "
        f"WHERE {active} OR m.period_end > p.joined"
    )
    all_params = [
        *params,
        *months_params,
        *partners_params,
        *tiers_params,
        settings.DEFAULT_CURRENCY,
        connection.ops.adapt_datetimefield_value(computed_at),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        return cursor.rowcount


def write_quarters(connection, horizon: Horizon, partner_ids, computed_at) -> int:
    """INSERT ... SELECT of the quarter rows from the month rows just written: sums of the months' sums,
    counts and cycle days; rates from those sums; certified people and the tier held at the quarter's last
    month."""
    date = connection.ops.adapt_datefield_value
    last = {}
    for month in horizon.months:
        last[quarter_of(month.start).key] = month.start
    months_sql, months_params = _values_table(
        connection,
        "months",
        ["month_start", "quarter_key", "quarter_start", "is_last"],
        [
            (date(m.start), q.key, date(q.start), 1 if last[q.key] == m.start else 0)
            for m in horizon.months
            for q in [quarter_of(m.start)]
        ],
    )

    def col(name):
        return f"SUM(k.{name})"

    derived = _derived_sql(col, connection.vendor)
    summed = [name for name in ACCUMULATED if name not in CERTIFICATE_FIELDS]
    # The tier at the quarter's end: its last month's (a quarter without that month row - activity before
    # the partner joined - takes the highest id among its months' tiers, an arbitrary but stable choice).
    last_tier = "COALESCE(MAX(CASE WHEN m.is_last = 1 THEN k.tier_id END), MAX(k.tier_id))"
    columns = [
        "partner_id", "period", "period_kind", "period_start", "tier_id", "partner_type", "region",
        "channel_manager_id", "joined_quarter", "currency", *summed, *CERTIFICATE_FIELDS, "certified_target",
        *derived, "computed_at",
    ]  # fmt: skip
    select = [
        "k.partner_id", "m.quarter_key", "'quarter'", "m.quarter_start", last_tier, "MAX(k.partner_type)",
        "MAX(k.region)", "MAX(k.channel_manager_id)", "MAX(k.joined_quarter)", "MAX(k.currency)",
        *(col(name) for name in summed),
        *(f"SUM(CASE WHEN m.is_last = 1 THEN k.{name} ELSE 0 END)" for name in CERTIFICATE_FIELDS),
        "MAX(k.certified_target)", *derived.values(), "%s",
    ]  # fmt: skip
    scope, scope_params = "", []
    if partner_ids is not None:
        scope = f" AND k.partner_id IN ({', '.join(['%s'] * len(partner_ids))})"
        scope_params = list(partner_ids)
    table = connection.ops.quote_name("analytics_kpisnapshot")
    sql = (
        f"WITH {months_sql} "  # noqa: S608 - identifiers only
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(select)} FROM {table} k JOIN months m ON k.period_start = m.month_start "
        f"WHERE k.period_kind = 'month'{scope} "
        "GROUP BY k.partner_id, m.quarter_key, m.quarter_start"
    )
    params = [*months_params, connection.ops.adapt_datetimefield_value(computed_at), *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
