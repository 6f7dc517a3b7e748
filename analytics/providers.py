"""The tier engine's "scorecard_score" provider (partners/tier_engine.py).

Choice: a partner's scorecard score over a window [since, until) is the total of its LATEST quarterly
Scorecard whose quarter starts inside the window. Over the engine's trailing 12 months that is the
current quarter's score (recomputed nightly after the KPI rollup); over one quarter (a business plan's
actuals) it is that quarter's own score. Scores are not averaged: a partner that improved should be
measured on where it stands now. One query for any number of partners.
"""

from datetime import date
from decimal import Decimal

from analytics.models import Scorecard
from partners.tier_engine import provides


@provides("scorecard_score")
def scorecard_score(partner_ids: list[int], since: date, until: date) -> dict[int, Decimal]:
    rows = (
        Scorecard.objects.filter(partner_id__in=partner_ids, period_start__gte=since, period_start__lt=until)
        .order_by("partner_id", "period_start")
        .values_list("partner_id", "total")
    )
    # Ordered by quarter: the last row of each partner wins.
    return {partner_id: Decimal(total) for partner_id, total in rows}
