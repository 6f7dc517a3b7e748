"""MDF reads, already scoped to the user (tenancy through visible_to)."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext

from deals.models import DealRegistration, DealStatus
from fx.selectors import program_currency, program_sum
from mdf.models import (
    AWAITING_PAYMENT,
    ClaimStatus,
    EntryKind,
    Fund,
    FundEntry,
    FundStatus,
    MdfAccrualRate,
    MdfClaim,
    MdfRequest,
    ProofFile,
    RequestStatus,
)
from partners.models import Tier
from partners.selectors import tier_held_on
from prm import formatting
from prm.ageing import ageing
from prm.tenancy import get_visible_or_404

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def accrual_rates(tier_ids) -> dict[int, Decimal]:
    """{tier id: share of a won deal's amount that accrues as MDF} for these tiers, in one query: the rates
    the accrual service applies when a deal is won (through `accrual_rate`) and the program pages show
    (docs/program-terms.md). A tier without a rate accrues nothing (0)."""
    tier_ids = [tier_id for tier_id in tier_ids if tier_id is not None]
    found = dict(MdfAccrualRate.objects.filter(tier_id__in=tier_ids).values_list("tier_id", "rate"))
    return {tier_id: Decimal(found.get(tier_id, 0)) for tier_id in tier_ids}


def accrual_rate(tier_id) -> Decimal:
    """The MDF accrual rate of one tier (see `accrual_rates`)."""
    return accrual_rates([tier_id]).get(tier_id, Decimal("0"))


FIGURES = ("accrued", "allocated", "committed", "claimed", "paid", "expired", "available", "recovery_owed")


def _cents(row: dict) -> dict:
    """Aggregates come back unscaled on some databases (SQLite: 5000); money shows with 2 places."""
    for key, value in row.items():
        if isinstance(value, Decimal):
            row[key] = value.quantize(Decimal("0.01"))
    return row


RATE = Decimal("0.0001")
# A fund whose accrual was mostly recovered can have paid out far more than it still counts as earned:
# the ratio is capped at 999.9999 (what a KPI snapshot stores).
UTILISATION_CAP = Decimal("999.9999")


def utilisation(*, committed, paid, accrued, allocated, places: Decimal = RATE) -> Decimal | None:
    """MDF utilisation, the one definition (docs/figures.md): what was invested of what was earned,
    (committed + paid) / (accrued + allocated), a fraction rounded half-up to `places` and capped at
    UTILISATION_CAP; None when nothing (or less than nothing) was earned. Analytics' mdf_utilisation KPI
    mirrors it in SQL over the same fund columns."""
    earned = Decimal(accrued or 0) + Decimal(allocated or 0)
    if earned <= 0:
        return None
    invested = Decimal(committed or 0) + Decimal(paid or 0)
    return min((invested / earned).quantize(places, rounding=ROUND_HALF_UP), UTILISATION_CAP)


def utilisation_of(funds) -> Decimal | None:
    """`utilisation` of a set of funds, their figures in the program currency at finance's rates of each
    fund's period start (fx), as the KPI rollup converts them (one aggregate query)."""
    sums = funds.aggregate(
        **{
            name: Coalesce(program_sum(name, "period_start"), Value(ZERO), output_field=MONEY)
            for name in ("committed", "paid", "accrued", "allocated")
        }
    )
    return utilisation(**_cents(sums))


def fund_list(user):
    return Fund.objects.visible_to(user).select_related("partner")


def entry_list(user):
    return FundEntry.objects.visible_to(user).select_related("fund", "deal", "request", "claim")


def request_list(user):
    return MdfRequest.objects.visible_to(user).select_related("partner", "activity_type")


def claim_list(user):
    return (
        MdfClaim.objects.visible_to(user)
        .select_related("partner", "request", "request__activity_type")
        .prefetch_related("proofs")
    )


def proof_for(user, pk):
    return get_visible_or_404(ProofFile.objects.select_related("claim"), user, pk=pk)


def _signed(kind_signs: dict):
    whens = [When(kind=kind, then=F("amount") * Value(sign)) for kind, sign in kind_signs.items()]
    return Coalesce(Sum(Case(*whens, default=Value(ZERO), output_field=MONEY)), Value(ZERO), output_field=MONEY)


def ledger_figures(fund_ids) -> dict[int, dict]:
    """The figures recomputed as sums of entries (one aggregate query for any number of funds).

    Used to prove the running columns right; `claimed` is not a ledger sum (see mdf.models).
    """
    rows = (
        FundEntry.objects.filter(fund_id__in=list(fund_ids))
        .values("fund_id")
        .annotate(
            accrued=_signed({EntryKind.ACCRUAL: 1, EntryKind.ACCRUAL_REVERSAL: -1, EntryKind.RECOVERY_OWED: -1}),
            allocated=_signed({EntryKind.ALLOCATION: 1}),
            committed=_signed({EntryKind.COMMITMENT: 1, EntryKind.RELEASE: -1, EntryKind.PAYMENT: -1}),
            paid=_signed({EntryKind.PAYMENT: 1}),
            expired=_signed({EntryKind.EXPIRY: 1}),
            recovery_owed=_signed({EntryKind.RECOVERY_OWED: 1, EntryKind.RECOVERY: -1}),
        )
    )
    result = {}
    for row in rows:
        row["available"] = (
            row["accrued"] + row["allocated"] + row["recovery_owed"] - row["committed"] - row["paid"] - row["expired"]
        )
        result[row.pop("fund_id")] = _cents(row)
    return result


def totals(funds_queryset) -> dict:
    """The figures summed over funds (one query)."""
    return _cents(
        funds_queryset.aggregate(**{name: Coalesce(Sum(name), Value(ZERO), output_field=MONEY) for name in FIGURES})
    )


def balances_by_currency(user, partner_id: int) -> list[dict]:
    """A partner's fund figures summed per currency (currency order), never across currencies (one query)."""
    return [
        _cents(row)
        for row in fund_list(user)
        .filter(partner_id=partner_id)
        .values("currency")
        .annotate(**{name: Coalesce(Sum(name), Value(ZERO), output_field=MONEY) for name in FIGURES})
        .order_by("currency")
    ]


def partner_overview_balance(user) -> dict | None:
    """The figures of the partner's main currency (the one with the most money), or None (one query)."""
    rows = [
        _cents(row)
        for row in fund_list(user)
        .values("currency")
        .annotate(**{name: Coalesce(Sum(name), Value(ZERO), output_field=MONEY) for name in FIGURES})
        .order_by("currency")
    ]
    return max(rows, key=lambda row: row["accrued"] + row["allocated"]) if rows else None


def partner_overview(user) -> dict:
    """The partner's MDF page: balances per currency, open funds, deadlines, recent requests and claims."""
    today = timezone.localdate()
    funds = fund_list(user)
    by_currency = [
        _cents(row)
        for row in funds.values("currency")
        .annotate(**{name: Coalesce(Sum(name), Value(ZERO), output_field=MONEY) for name in FIGURES})
        .order_by("currency")
    ]
    open_funds = list(funds.filter(status=FundStatus.OPEN).order_by("expires_at", "id"))
    window = settings.MDF_CLAIM_WINDOW_DAYS
    to_claim = list(
        request_list(user)
        .filter(status=RequestStatus.APPROVED, end_date__gte=today - timedelta(days=window))
        .exclude(claims__status__in=[s for s in ClaimStatus.values if s != ClaimStatus.REJECTED])
        .order_by("end_date")[:10]
    )
    deadlines = [
        {
            "date": f.expires_at,
            "what": gettext("%(amount)s of %(period)s MDF expires")
            % {"amount": formatting.money(f.available, f.currency), "period": f.period},
            "url": "",
        }
        for f in open_funds
        if f.available > 0
    ] + [
        {
            "date": r.claim_deadline,
            "what": gettext("Claim “%(title)s”") % {"title": r.title},
            "url": r.get_absolute_url(),
        }
        for r in to_claim
    ]
    deadlines.sort(key=lambda d: d["date"])
    main = by_currency[0] if by_currency else {name: ZERO for name in FIGURES} | {"currency": settings.DEFAULT_CURRENCY}
    chart = {
        "labels": [gettext("Available"), gettext("Committed"), gettext("Claimed"), gettext("Paid"), gettext("Expired")],
        "datasets": [
            {
                "label": main["currency"],
                "data": [
                    float(main["available"]),
                    float(main["committed"] - main["claimed"]),
                    float(main["claimed"]),
                    float(main["paid"]),
                    float(main["expired"]),
                ],
            }
        ],
    }
    return {
        "balances": by_currency,
        "main_balance": main,
        "open_funds": open_funds,
        "deadlines": deadlines[:10],
        "recent_requests": list(request_list(user)[:5]),
        "recent_claims": list(claim_list(user)[:5]),
        "chart_balance": chart,
    }


def claim_queue_summary(user) -> dict:
    """The finance queue's totals and ageing buckets over claims awaiting a decision or payment (2 queries)."""
    now = timezone.now()
    claims = claim_list(user).filter(status__in=AWAITING_PAYMENT)
    by_status = list(
        claims.values("status", "currency")
        .annotate(
            count=Count("id"),
            claimed=Coalesce(Sum("claimed_amount"), Value(ZERO), output_field=MONEY),
            approved=Coalesce(Sum("approved_amount"), Value(ZERO), output_field=MONEY),
        )
        .order_by("status", "currency")
    )
    buckets = claims.aggregate(
        under_7=Count("id", filter=Q(created_at__gt=now - timedelta(days=7))),
        from_7_to_30=Count(
            "id", filter=Q(created_at__lte=now - timedelta(days=7), created_at__gt=now - timedelta(days=30))
        ),
        over_30=Count("id", filter=Q(created_at__lte=now - timedelta(days=30))),
    )
    labels = dict(ClaimStatus.choices)
    for row in by_status:
        _cents(row)
        row["label"] = labels[row["status"]]
    return {"queue_totals": by_status, "ageing": buckets}


def _sourced_deals_by_tier(user) -> dict:
    """Pipeline, bookings and count of the deals an MDF activity sourced, by the tier held at the deal's date."""
    sourced = (
        DealRegistration.objects.visible_to(user)
        .filter(mdf_request__isnull=False)
        .alias(fx_day=Coalesce(TruncDate("submitted_at"), TruncDate("created_at")))
        .annotate(held_day=Coalesce("close_date", TruncDate("submitted_at"), TruncDate("created_at")))
        .annotate(held_tier=tier_held_on("partner_id", "held_day", "partner__tier_id"))
    )
    deals_by_tier = {
        row["held_tier"]: _cents(row)
        for row in sourced.values("held_tier").annotate(
            pipeline=Coalesce(
                program_sum(
                    "amount",
                    "fx_day",
                    filter=Q(status__in=[DealStatus.SUBMITTED, DealStatus.APPROVED, DealStatus.PENDING_REVIEW]),
                ),
                Value(ZERO),
                output_field=MONEY,
            ),
            bookings=Coalesce(
                program_sum("amount", "close_date", filter=Q(status=DealStatus.WON)), Value(ZERO), output_field=MONEY
            ),
            deals=Count("id"),
        )
    }
    return deals_by_tier


def _tier_row(tier, figures: dict, deals: dict) -> dict:
    earned = figures.get("accrued", ZERO) + figures.get("allocated", ZERO)
    spent = figures.get("paid", ZERO)
    invested = spent + figures.get("committed", ZERO)
    ratio = utilisation(
        committed=figures.get("committed", ZERO),
        paid=spent,
        accrued=figures.get("accrued", ZERO),
        allocated=figures.get("allocated", ZERO),
        places=Decimal("0.001"),
    )
    return {
        "tier": tier.name,
        "currency": program_currency(),
        "earned": earned,
        "committed": figures.get("committed", ZERO),
        "paid": spent,
        "expired": figures.get("expired", ZERO),
        "available": figures.get("available", ZERO),
        "utilisation": None if ratio is None else (ratio * 100).quantize(Decimal("0.1")),
        "pipeline": deals.get("pipeline", ZERO),
        "bookings": deals.get("bookings", ZERO),
        "deals": deals.get("deals", 0),
        "pipeline_per_dollar": (deals.get("pipeline", ZERO) / invested).quantize(Decimal("0.01")) if invested else None,
        "bookings_per_dollar": (deals.get("bookings", ZERO) / invested).quantize(Decimal("0.01")) if invested else None,
    }


def _program_charts(rows) -> dict:
    labels = [row["tier"] for row in rows]
    chart_utilisation = {
        "labels": labels,
        "datasets": [
            {"label": gettext("Earned"), "data": [float(r["earned"]) for r in rows]},
            {"label": gettext("Committed"), "data": [float(r["committed"]) for r in rows]},
            {"label": gettext("Paid"), "data": [float(r["paid"]) for r in rows]},
            {"label": gettext("Expired"), "data": [float(r["expired"]) for r in rows]},
        ],
    }
    chart_return = {
        "labels": labels,
        "datasets": [
            {"label": gettext("Pipeline per MDF dollar"), "data": [float(r["pipeline_per_dollar"] or 0) for r in rows]},
            {"label": gettext("Bookings per MDF dollar"), "data": [float(r["bookings_per_dollar"] or 0) for r in rows]},
        ],
    }
    return {"chart_utilisation": chart_utilisation, "chart_return": chart_return}


def program_view(user) -> dict:
    """Utilisation by tier and MDF return (pipeline and bookings per MDF dollar), from a few grouped queries."""
    # By the tier each partner held then (docs/figures.md): a fund at its period's end, a deal on its close
    # date (or the day it was submitted or created, while open), so a promotion does not move history.
    funds = fund_list(user).annotate(held_tier=tier_held_on("partner_id", "period_end", "partner__tier_id"))
    by_tier = {
        row["held_tier"]: _cents(row)
        for row in funds.values("held_tier").annotate(
            # Funds and deals keep their currency; program figures convert at finance's rates (fx).
            **{name: Coalesce(program_sum(name, "period_start"), Value(ZERO), output_field=MONEY) for name in FIGURES}
        )
    }
    deals_by_tier = _sourced_deals_by_tier(user)
    rows = [
        _tier_row(tier, by_tier.get(tier.pk, {}), deals_by_tier.get(tier.pk, {}))
        for tier in Tier.objects.order_by("rank")
    ]
    return {"tier_rows": rows, **_program_charts(rows)}


def partner_ids_with_currency(currency: str) -> set[int]:
    """Partners with an MDF request, claim or fund in `currency` (their KPIs convert it)."""
    ids: set[int] = set()
    for model in (MdfRequest, MdfClaim, Fund):
        rows = model.objects.filter(currency=currency, partner_id__isnull=False).order_by()
        ids |= set(rows.values_list("partner_id", flat=True).distinct())
    return ids


def claim_queue() -> list[dict]:
    """The finance home's queue: MDF claims awaiting finance's decision (submitted), aged from their filing,
    per currency (prm/ageing.py)."""
    return ageing(MdfClaim.objects.filter(status=ClaimStatus.SUBMITTED), amount="claimed_amount")
