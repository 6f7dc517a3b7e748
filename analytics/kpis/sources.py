"""The grouped source queries of the KPI rollup: per source app, ORM querysets grouped by partner and month
(one row per partner and month, KPI columns named by a mapping), and the records it could not convert.
The definitions are in analytics/kpis/definitions.py and docs/figures.md."""

from django.db.models import Count, DateField, Exists, F, Func, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from analytics.kpis.definitions import Horizon, _aware
from commissions.models import CommissionEntry, EntryStatus
from deals.models import DealRegistration, DealStatus, DealType, Influence, Lead, LeadReturn, LeadSource, LeadStatus
from enablement.models import Certificate, CertificationKind
from enablement.selectors import valid_at
from fx.selectors import converted, convertible
from fx.selectors import missing_rates as missing_in
from mdf.models import Fund, MdfClaim, MdfRequest, RequestStatus


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


def _money(amount: str, day: str, currency: str = "currency"):
    """The record's amount in the program currency at the rate of `day` (NULL without a rate: Sum skips it)."""
    return converted(amount, currency, day)


def _counted(day: str, currency: str = "currency") -> Q:
    """The record is in the program currency or has a rate on `day`: it counts; otherwise it is an
    other-currency record."""
    return convertible(currency, day)


def _scope(queryset, partner_ids, field="partner_id"):
    return queryset if partner_ids is None else queryset.filter(**{f"{field}__in": list(partner_ids)})


def _deal_sources(horizon: Horizon, partner_ids):

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
    earlier = Influence.objects.filter(
        deal_id=OuterRef("deal_id"), partner_id=OuterRef("partner_id"), pk__lt=OuterRef("pk")
    )
    return _scope(_eligible(Influence.objects.filter(~Exists(earlier))), partner_ids)


def _eligible(influences):
    """Influences that count: never the deal's own sourcing partner's."""
    return influences.filter(Q(deal__partner__isnull=True) | ~Q(deal__partner_id=F("partner_id")))


def _first_on_deal() -> Q:
    """The influence row is the deal's first eligible one (the deal's program-level credit goes there)."""
    earlier = _eligible(Influence.objects.filter(deal_id=OuterRef("deal_id"), pk__lt=OuterRef("pk")))
    return ~Q(Exists(earlier))


def _influence_sources(horizon: Horizon, partner_ids):

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
            k_directory=Count("id", filter=Q(source=LeadSource.DIRECTORY)),
            k_directory_accepted=Count("id", filter=Q(source=LeadSource.DIRECTORY, status=LeadStatus.ACCEPTED)),
        ),
        {
            "leads_assigned": "k_assigned",
            "leads_accepted": "k_accepted",
            "leads_expired": "k_expired",
            "directory_leads_assigned": "k_directory",
            "directory_leads_accepted": "k_directory_accepted",
        },
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
