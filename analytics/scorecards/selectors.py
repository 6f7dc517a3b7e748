"""Reads of scorecards, the joint partner dashboard and the at-risk list, scoped to the user.

Every function here runs a fixed number of queries whatever the number of partners or rows, so the
pages that call them stay bounded (tests assert it with django_assert_max_num_queries).
"""

from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext

from accounts import access
from analytics.models import Alert, CriterionSource, KpiSnapshot, PeriodKind, Scorecard, ScorecardCriterion
from analytics.models import ScorecardRating as Rating
from analytics.scorecards.scoring import current_quarter, previous_quarter, quarters_ending
from commissions import selectors as commission_selectors
from deals import selectors as deal_selectors
from enablement import selectors as enablement_selectors
from mdf import selectors as mdf_selectors
from mdf.selectors import ZERO
from partners import selectors as partner_selectors
from partners.models import JointBusinessPlan, Partner, PlanCheckIn

TREND_QUARTERS = 8
BUCKETS = [(0, 10), (10, 20), (20, 30), (30, 40), (40, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 101)]
SCORE = DecimalField(max_digits=6, decimal_places=2)


def _total_of(period_key: str):
    return Subquery(
        Scorecard.objects.filter(partner_id=OuterRef("pk"), period=period_key).values("total")[:1],
        output_field=SCORE,
    )


def scorecard_partners(user, period_key: str):
    """Partners the user may see with this quarter's score, the previous quarter's and the change."""
    previous = previous_quarter(period_key).key
    return (
        Partner.objects.visible_to(user)
        .select_related("tier", "channel_manager")
        .annotate(score=_total_of(period_key), previous=_total_of(previous))
        .annotate(delta=F("score") - F("previous"))
        .order_by("name", "pk")
    )


def score_distribution(partners_queryset, period_key: str) -> dict:
    """Chart.js data: how many of the (filtered) partners score in each band of 10 (one query)."""
    scores = Scorecard.objects.filter(period=period_key, partner_id__in=partners_queryset.values("pk"))
    counts = scores.aggregate(
        **{f"b{low}": Count("pk", filter=Q(total__gte=low, total__lt=high)) for low, high in BUCKETS}
    )
    return {
        "labels": [f"{low}-{min(high, 100)}" for low, high in BUCKETS],
        "datasets": [{"label": gettext("Partners"), "data": [counts[f"b{low}"] for low, _ in BUCKETS]}],
    }


def criteria() -> list[ScorecardCriterion]:
    return list(ScorecardCriterion.objects.order_by("position", "id"))


def scorecard_trend(partner_id: int, end_key: str) -> tuple[list[Scorecard], dict]:
    """The partner's scorecards of the 8 quarters ending with `end_key` and a line chart of the totals."""
    quarters = quarters_ending(end_key, TREND_QUARTERS)
    cards = {
        card.period: card
        for card in Scorecard.objects.filter(partner_id=partner_id, period__in=[q.key for q in quarters])
    }
    chart = {
        "labels": [q.key for q in quarters],
        "datasets": [
            {
                "label": gettext("Score"),
                "data": [float(cards[q.key].total) if q.key in cards else None for q in quarters],
            }
        ],
    }
    return [cards[q.key] for q in quarters if q.key in cards], chart


def partner_scorecard(partner: Partner, period_key: str) -> dict:
    """One partner's scorecard page: the quarter's card, the previous one, and the 8-quarter trend."""
    cards, chart = scorecard_trend(partner.pk, period_key)
    by_period = {card.period: card for card in cards}
    previous = previous_quarter(period_key).key
    card = by_period.get(period_key)
    ratings = Rating.objects.filter(partner=partner, period=period_key).select_related("criterion", "rated_by")
    return {
        "partner": partner,
        "period": period_key,
        "card": card,
        "previous": by_period.get(previous),
        "delta": (card.total - by_period[previous].total) if card and previous in by_period else None,
        "trend": chart,
        "notes": [r for r in ratings if r.note],
    }


# --- The rating grid ----------------------------------------------------------------------------------


def rating_book(user):
    """Partners the user rates: a channel manager's own book; program admins: every partner."""
    partners = Partner.objects.visible_to(user).select_related("tier").order_by("name", "pk")
    if not access.can(user, "analytics.rate_any_partner"):
        partners = partners.managed_by(user)
    return partners


def rating_grid(partners: list[Partner], period_key: str) -> dict:
    """This quarter's ratings of the given partners (one query) and the latest earlier ones they carry."""
    rated = [c for c in criteria() if c.source == CriterionSource.RATING]
    ids = [p.pk for p in partners]
    current = {(r.partner_id, r.criterion_id): r for r in Rating.objects.filter(partner_id__in=ids, period=period_key)}
    carried = {}
    for partner_id, criterion_id, period, rating in (
        Rating.objects.filter(partner_id__in=ids, period__lt=period_key)
        .order_by("period")
        .values_list("partner_id", "criterion_id", "period", "rating")
    ):
        carried[(partner_id, criterion_id)] = (rating, period)
    return {"criteria": rated, "current": current, "carried": carried}


# --- Joint partner dashboard --------------------------------------------------------------------------


def _float(value) -> float:
    return float(value) if value is not None else 0.0


def _series(snapshots: dict, labels: list[str], field: str, percent: bool = False) -> list[float]:
    values = [_float(getattr(snapshots[key], field)) if key in snapshots else None for key in labels]
    return [0.0 if v is None else round(v * 100, 1) if percent else v for v in values]


def _snapshot_charts(snapshots: dict, labels: list[str]) -> dict:
    """Bookings, registered deals and win rate of the quarters `labels`, from the quarterly snapshots."""

    def chart(*datasets):
        return {"labels": labels, "datasets": [{"label": label, "data": data} for label, data in datasets]}

    return {
        "bookings_chart": chart(
            (gettext("Sourced"), _series(snapshots, labels, "sourced_bookings")),
            (gettext("Influenced"), _series(snapshots, labels, "influenced_bookings")),
        ),
        "deals_chart": chart((gettext("Registered deals"), _series(snapshots, labels, "registered_deals"))),
        "win_chart": chart((gettext("Win rate %"), _series(snapshots, labels, "win_rate", percent=True))),
    }


def _business_plan(user, partner: Partner, period_key: str):
    """The partner's joint business plan of the quarter with its check-ins that counted co-marketing."""
    done = PlanCheckIn.objects.filter(co_marketing_activities_done__isnull=False).order_by("-created_at", "-id")
    return (
        JointBusinessPlan.objects.visible_to(user)
        .filter(partner=partner, period=period_key)
        .prefetch_related(Prefetch("check_ins", queryset=done))
        .first()
    )


def _plan_targets(plan, snapshot) -> list[dict]:
    """The plan's targets against the quarter's actuals (snapshot figures; co-marketing from the last check-in)."""
    if plan is None:
        return []
    done = plan.check_ins.all()

    def actual(field, none):
        return getattr(snapshot, field) if snapshot else none

    rows = [
        (gettext("Sourced bookings"), plan.sourced_bookings_target, actual("sourced_bookings", ZERO), True),
        (gettext("Registered deals"), plan.registered_deals_target, actual("registered_deals", 0), False),
        (gettext("Certified people"), plan.certified_people_target, actual("certified_people", 0), False),
        (
            gettext("Co-marketing activities"),
            plan.co_marketing_activities_target,
            done[0].co_marketing_activities_done if done else 0,
            False,
        ),
    ]
    return [
        {
            "name": name,
            "target": target,
            "actual": actual,
            "money": money,
            "percent": min(100, round(100 * Decimal(actual) / Decimal(target))) if target else 100,
        }
        for name, target, actual, money in rows
    ]


def _money_panels(user, partner: Partner, quarter) -> dict:
    """MDF balances, unconverted won deals and earnings, per currency from their own apps' selectors: money
    in several currencies is shown per currency, never added up (docs/fx.md: Joint dashboard)."""
    return {
        "mdf_balances": mdf_selectors.balances_by_currency(user, partner.pk),
        # Won deals the snapshot could not convert (no rate for the close date): shown, never dropped.
        "unconverted": deal_selectors.won_unconverted(
            user, partner_id=partner.pk, start=quarter.start, end=quarter.end
        ),
        "earnings": commission_selectors.totals_by_currency(user, partner.pk)
        if access.can(user, "analytics.see_partner_earnings", partner)
        else None,
        "program_currency": settings.DEFAULT_CURRENCY,
    }


def joint_dashboard(user, partner: Partner) -> dict:
    """Everything the joint dashboard shows, read from snapshots and the owning apps' selectors."""
    quarter = current_quarter()
    labels = [q.key for q in quarters_ending(quarter.key, TREND_QUARTERS)]
    snapshots = {
        s.period: s
        for s in KpiSnapshot.objects.visible_to(user).filter(
            partner=partner, period_kind=PeriodKind.QUARTER, period__in=labels
        )
    }
    snapshot = snapshots.get(quarter.key)
    plan = _business_plan(user, partner, quarter.key)
    cards, score_chart = scorecard_trend(partner.pk, quarter.key)
    stages = deal_selectors.stage_counts(user, partner.pk)
    cert_counts, expiring = enablement_selectors.certificates_expiring(user, partner.pk)
    return {
        "partner": partner,
        "quarter": quarter.key,
        "snapshot": snapshot,
        "plan": plan,
        "targets": _plan_targets(plan, snapshot),
        **_snapshot_charts(snapshots, labels),
        "card": cards[-1] if cards and cards[-1].period == quarter.key else None,
        "score_chart": score_chart,
        "stages": stages,
        "stage_chart": {
            "labels": [s for s, _ in stages],
            "datasets": [{"label": gettext("Deals"), "data": [n for _, n in stages]}],
        },
        "certs": cert_counts,
        "expiring": expiring,
        **_money_panels(user, partner, quarter),
        "open_alerts": list(Alert.objects.filter(partner=partner, resolved_at__isnull=True).select_related("rule"))
        if access.is_internal(user)
        else [],
        **partner_selectors.tier_panel(partner),
    }


# --- At-risk partners ---------------------------------------------------------------------------------


def at_risk_partners(user):
    """Partners with open alerts, their open alerts, manager, tier and latest score."""
    open_alerts = Alert.objects.filter(resolved_at__isnull=True)
    latest = Scorecard.objects.filter(partner_id=OuterRef("pk")).order_by("-period_start")
    return (
        Partner.objects.visible_to(user)
        .filter(Exists(open_alerts.filter(partner_id=OuterRef("pk"))))
        .select_related("tier", "channel_manager")
        .annotate(
            latest_score=Subquery(latest.values("total")[:1], output_field=SCORE),
            latest_period=Subquery(latest.values("period")[:1]),
            alert_count=Subquery(
                open_alerts.filter(partner_id=OuterRef("pk"))
                .order_by()
                .values("partner_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .prefetch_related(
            Prefetch(
                "alerts", queryset=open_alerts.select_related("rule").order_by("rule__kind"), to_attr="open_alerts"
            )
        )
        .order_by("-alert_count", "name", "pk")
    )


def customer_satisfaction(partner_ids, *, quarters: int = 4) -> dict[int, Decimal]:
    """The average 1-5 "customer_satisfaction" rating of each partner over its last `quarters` rated quarters'
    window (the directory shows it as evidence: docs/directory.md). Unrated partners are absent."""
    keys = [period.key for period in quarters_ending(current_quarter().key, quarters)]
    rows = (
        Rating.objects.filter(partner_id__in=list(partner_ids), criterion__key="customer_satisfaction", period__in=keys)
        .values("partner_id")
        .annotate(average=Avg("rating"))
        .order_by()
    )
    return {row["partner_id"]: Decimal(str(row["average"])).quantize(Decimal("0.01")) for row in rows}
