"""Builders shared by the scorecard, dashboard and alert tests (KPI snapshots are written directly)."""

from decimal import Decimal

from analytics.models import KpiSnapshot, PeriodKind, ScorecardCriterion, ScorecardRating
from analytics.scorecards.scoring import quarter


def snapshot(partner, period: str, **values) -> KpiSnapshot:
    q = quarter(period)
    return KpiSnapshot.objects.create(
        partner=partner,
        period=q.key,
        period_kind=PeriodKind.QUARTER,
        period_start=q.start,
        tier=partner.tier,
        partner_type=partner.partner_type,
        region=partner.region,
        channel_manager=partner.channel_manager,
        **values,
    )


def rate(partner, period: str, key: str, rating: int, *, by=None, note: str = "") -> ScorecardRating:
    return ScorecardRating.objects.create(
        partner=partner,
        period=period,
        criterion=ScorecardCriterion.objects.get(key=key),
        rating=rating,
        rated_by=by,
        note=note,
    )


# A hand-checked quarter: measured scores 40, 100 (capped), 50, 50, 100, 0 (no MDF), 100.
HAND_KPIS = {
    "sourced_bookings": Decimal("100000.00"),  # / 250000 -> 40 x 15
    "influenced_bookings": Decimal("300000.00"),  # capped at 100 x 8
    "registered_deals": 5,  # / 10 -> 50 x 10
    "win_rate": Decimal("0.2500"),  # / 0.5 -> 50 x 10
    "sales_certified_people": 5,  # / 5 -> 100 x 8 (sales certifications only)
    "mdf_utilisation": None,  # no value -> 0 x 7
    "lead_acceptance_rate": Decimal("0.9000"),  # / 0.9 -> 100 x 8
}
# Rated: technical 5 -> 100 x 8, geographic 1 -> 0 x 5, vertical 3 -> 50 x 5, delivery 4 -> 75 x 8,
# customer satisfaction never rated -> neutral 50 x 8.
HAND_RATINGS = {"technical_expertise": 5, "geographic_coverage": 1, "vertical_coverage": 3, "delivery_quality": 4}
# In position order: (600 + 800 + 500 + 500 + 800 + 800 + 0 + 0 + 250 + 600 + 400 + 800) / 100
HAND_TOTAL = Decimal("60.50")
