"""Reads of scorecards, the joint partner dashboard and the at-risk list, scoped to the user.

Every function here runs a fixed number of queries whatever the number of partners or rows, so the
pages that call them stay bounded (tests assert it with django_assert_max_num_queries).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from analytics.models import Alert, CriterionSource, KpiSnapshot, PeriodKind, Scorecard, ScorecardCriterion
from analytics.models import ScorecardRating as Rating
from analytics.scorecards.scoring import current_quarter, previous_quarter, quarters_ending
from partners.models import Partner

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
    if user.role == Role.CHANNEL_MANAGER:
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


def joint_dashboard(user, partner: Partner) -> dict:
    """Everything the joint dashboard shows, read from snapshots and a handful of grouped queries."""
    from commissions import selectors as commission_selectors
    from deals import selectors as deal_selectors
    from deals.models import DealRegistration, DealStatus
    from enablement.models import Certificate, CertificateStatus
    from mdf import selectors as mdf_selectors
    from mdf.selectors import ZERO
    from partners import selectors as partner_selectors
    from partners.models import JointBusinessPlan, PlanCheckIn

    now = timezone.now()
    quarter = current_quarter()
    quarters = quarters_ending(quarter.key, TREND_QUARTERS)
    snapshots = {
        s.period: s
        for s in KpiSnapshot.objects.visible_to(user).filter(
            partner=partner, period_kind=PeriodKind.QUARTER, period__in=[q.key for q in quarters]
        )
    }
    snapshot = snapshots.get(quarter.key)
    labels = [q.key for q in quarters]

    def series(field):
        return [_float(getattr(snapshots[key], field)) if key in snapshots else 0.0 for key in labels]

    bookings_chart = {
        "labels": labels,
        "datasets": [
            {"label": gettext("Sourced"), "data": series("sourced_bookings")},
            {"label": gettext("Influenced"), "data": series("influenced_bookings")},
        ],
    }
    deals_chart = {
        "labels": labels,
        "datasets": [{"label": gettext("Registered deals"), "data": series("registered_deals")}],
    }
    win_chart = {
        "labels": labels,
        "datasets": [
            {
                "label": gettext("Win rate %"),
                "data": [
                    round(_float(snapshots[key].win_rate) * 100, 1) if key in snapshots else 0.0 for key in labels
                ],
            }
        ],
    }

    plan = (
        JointBusinessPlan.objects.visible_to(user)
        .filter(partner=partner, period=quarter.key)
        .prefetch_related(
            Prefetch(
                "check_ins",
                queryset=PlanCheckIn.objects.filter(co_marketing_activities_done__isnull=False).order_by(
                    "-created_at", "-id"
                ),
            )
        )
        .first()
    )
    targets = []
    if plan is not None:
        done = plan.check_ins.all()
        rows = [
            (
                gettext("Sourced bookings"),
                plan.sourced_bookings_target,
                snapshot.sourced_bookings if snapshot else ZERO,
                True,
            ),
            (
                gettext("Registered deals"),
                plan.registered_deals_target,
                snapshot.registered_deals if snapshot else 0,
                False,
            ),
            (
                gettext("Certified people"),
                plan.certified_people_target,
                snapshot.certified_people if snapshot else 0,
                False,
            ),
            (
                gettext("Co-marketing activities"),
                plan.co_marketing_activities_target,
                done[0].co_marketing_activities_done if done else 0,
                False,
            ),
        ]
        targets = [
            {
                "name": name,
                "target": target,
                "actual": actual,
                "money": money,
                "percent": min(100, round(100 * Decimal(actual) / Decimal(target))) if target else 100,
            }
            for name, target, actual, money in rows
        ]

    cards, score_chart = scorecard_trend(partner.pk, quarter.key)
    card = cards[-1] if cards and cards[-1].period == quarter.key else None

    stage_labels = dict(DealStatus.choices)
    stage_counts = dict(
        DealRegistration.objects.visible_to(user)
        .filter(partner=partner)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    stages = [(stage_labels[s], stage_counts.get(s, 0)) for s in DealStatus.values if s != DealStatus.DRAFT]
    stage_chart = {
        "labels": [s for s, _ in stages],
        "datasets": [{"label": gettext("Deals"), "data": [n for _, n in stages]}],
    }

    soon = now + timedelta(days=30)
    certificates = Certificate.objects.visible_to(user).filter(
        partner=partner, status=CertificateStatus.VALID, expires_at__gt=now
    )
    cert_counts = certificates.aggregate(valid=Count("id"), expiring=Count("id", filter=Q(expires_at__lte=soon)))
    expiring = list(
        certificates.filter(expires_at__lte=soon).select_related("user", "certification").order_by("expires_at")[:10]
    )

    # Money in several currencies is shown per currency, never added up (docs/fx.md: Joint dashboard).
    mdf_balances = mdf_selectors.balances_by_currency(user, partner.pk)
    # Won deals the snapshot could not convert (no rate for the close date): shown, never dropped.
    unconverted = deal_selectors.won_unconverted(user, partner_id=partner.pk, start=quarter.start, end=quarter.end)
    earnings = None
    if user.role != Role.PARTNER_USER:  # earnings are the partner admins' and finance's (DESIGN.md)
        earnings = commission_selectors.totals_by_currency(user, partner.pk)

    return {
        "partner": partner,
        "quarter": quarter.key,
        "snapshot": snapshot,
        "plan": plan,
        "targets": targets,
        "bookings_chart": bookings_chart,
        "deals_chart": deals_chart,
        "win_chart": win_chart,
        "card": card,
        "score_chart": score_chart,
        "stages": stages,
        "stage_chart": stage_chart,
        "certs": cert_counts,
        "expiring": expiring,
        "mdf_balances": mdf_balances,
        "unconverted": unconverted,
        "earnings": earnings,
        "program_currency": settings.DEFAULT_CURRENCY,
        "open_alerts": list(Alert.objects.filter(partner=partner, resolved_at__isnull=True).select_related("rule"))
        if user.is_internal
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
