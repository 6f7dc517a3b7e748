"""Partner scorecards (docs/analytics.md): twelve weighted criteria turned into one 0-100 score.

Measured criteria read the partner's quarterly KpiSnapshot and score min(100, value / target * 100);
rated ones turn the channel manager's 1-5 rating into 0, 25, 50, 75 or 100. A criterion not rated in
the quarter carries the partner's latest earlier rating; one never rated scores a neutral 50 and is
flagged "not_rated". The total is sum(weight * score) / sum(weight), to 2 places.

`compute_scorecards` is set-based: per run one query for the criteria, one for the partners, one for
each quarter's snapshots and one for the ratings, then bulk upserts; never a query per partner.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import DateField
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from analytics.models import CriterionSource, KpiSnapshot, Scorecard, ScorecardCriterion, ScorecardRating
from partners.models import Partner, PartnerStatus
from prm.periods import Period, parse_period, quarter_of

HUNDRED = Decimal(100)
NEUTRAL = Decimal(50)
CENTS = Decimal("0.01")
RATING_SCORES = {1: Decimal(0), 2: Decimal(25), 3: Decimal(50), 4: Decimal(75), 5: Decimal(100)}
CHUNK = 1000  # partner ids per IN list
BATCH = 1000  # rows per bulk upsert


def quarter(key: str) -> Period:
    """Parse a fiscal quarter key ("2026-Q4"); ValueError for anything else (months included)."""
    period = parse_period(key)
    if "-Q" not in period.key:
        raise ValueError("Scorecards are quarterly: use a quarter like 2026-Q4.")
    return period


def current_quarter() -> Period:
    return quarter_of(timezone.localdate())


def previous_quarter(key: str) -> Period:
    return quarter_of(quarter(key).start - timedelta(days=1))


def quarters_ending(key: str, count: int) -> list[Period]:
    """`count` consecutive quarters ending with `key`, oldest first."""
    periods = [quarter(key)]
    while len(periods) < count:
        periods.insert(0, quarter_of(periods[0].start - timedelta(days=1)))
    return periods


def default_periods() -> list[str]:
    """The current and the previous fiscal quarter."""
    current = current_quarter()
    return [previous_quarter(current.key).key, current.key]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


def measured_score(value, target) -> Decimal:
    """min(100, value / target * 100); a missing value scores 0."""
    if value is None or not target:
        return Decimal(0)
    return _cents(min(HUNDRED, max(Decimal(0), Decimal(value) / Decimal(target) * HUNDRED)))


def score_partner(criteria, snapshot: dict | None, ratings: dict) -> tuple[Decimal, list[dict]]:
    """The total and the criteria entries of one partner for one quarter.

    `snapshot` maps KPI fields to values (None: no snapshot); `ratings` maps criterion id to
    (rating, period rated in) with the latest rating up to the quarter.
    """
    entries = []
    weighted = Decimal(0)
    weights = 0
    for criterion in criteria:
        entry = {"key": criterion.key, "name": criterion.name, "weight": criterion.weight, "source": criterion.source}
        if criterion.source == CriterionSource.KPI:
            value = (snapshot or {}).get(criterion.kpi_field)
            score = measured_score(value, criterion.target)
            entry["value"] = None if value is None else str(value)
            entry["target"] = str(criterion.target)
        else:
            rated = ratings.get(criterion.pk)
            if rated is None:
                score = NEUTRAL
                entry["value"] = None
                entry["not_rated"] = True
            else:
                rating, rated_in = rated
                score = RATING_SCORES[rating]
                entry["value"] = str(rating)
                entry["rated_in"] = rated_in
        entry["score"] = str(_cents(score))
        weighted += criterion.weight * score
        weights += criterion.weight
        entries.append(entry)
    total = _cents(weighted / weights) if weights else Decimal("0.00")
    return total, entries


def _chunks(ids):
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _partner_ids(partner_ids, quarter_keys) -> list[int]:
    """The partners to score: those given, or every onboarding/active partner plus any with a snapshot."""
    if partner_ids is not None:
        existing = set()
        for chunk in _chunks(partner_ids):
            existing.update(Partner.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        return sorted(existing)
    live = set(
        Partner.objects.filter(status__in=[PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE]).values_list("pk", flat=True)
    )
    snapped = set(KpiSnapshot.objects.filter(period__in=quarter_keys).values_list("partner_id", flat=True).distinct())
    return sorted(live | snapped)


def _joined(ids) -> dict[int, object]:
    """{partner_id: the day the partner joined (or was created)}, the start the KPI rollup uses too."""
    joined = {}
    for chunk in _chunks(ids):
        joined.update(
            Partner.objects.filter(pk__in=chunk)
            .annotate(day=Coalesce("joined_at", TruncDate("created_at"), output_field=DateField()))
            .values_list("pk", "day")
        )
    return joined


def compute_scorecards(*, periods=None, partner_ids=None) -> int:
    """(Re)compute the scorecards of `periods` (quarter keys; None: the current and previous quarter) for
    `partner_ids` (None: all live partners). Idempotent; returns the number of Scorecard rows written.

    A partner is scored from its first quarter (the one it joined, or was created, in) on: never for a
    quarter that ended before it existed, and a scorecard an earlier run wrote for such a quarter is
    removed (docs/figures.md)."""
    quarters = sorted({quarter(key) for key in (periods or default_periods())}, key=lambda p: p.start)
    if not quarters:
        return 0
    criteria = list(ScorecardCriterion.objects.order_by("position", "id"))
    fields = sorted({c.kpi_field for c in criteria if c.source == CriterionSource.KPI and c.kpi_field})
    rated_ids = [c.pk for c in criteria if c.source == CriterionSource.RATING]
    keys = [q.key for q in quarters]
    ids = _partner_ids(partner_ids, keys)
    if not ids:
        return 0
    whole_program = partner_ids is None
    joined = _joined(ids)

    # One query for the snapshots of all the quarters (a partner id filter only when ids were given).
    snapshots: dict[tuple[int, str], dict] = {}
    rating_rows = []
    for chunk in [None] if whole_program else _chunks(ids):
        snap_qs = KpiSnapshot.objects.filter(period__in=keys)
        rate_qs = ScorecardRating.objects.filter(criterion_id__in=rated_ids, period__lte=keys[-1])
        if chunk is not None:
            snap_qs = snap_qs.filter(partner_id__in=chunk)
            rate_qs = rate_qs.filter(partner_id__in=chunk)
        for row in snap_qs.values("partner_id", "period", *fields):
            snapshots[(row.pop("partner_id"), row.pop("period"))] = row
        rating_rows.extend(
            rate_qs.order_by("period").values_list("partner_id", "criterion_id", "period", "rating").iterator(2000)
        )
    # Sweep ratings in period order: for each quarter, the latest rating up to it (carry forward).
    latest: dict[int, dict[int, tuple[int, str]]] = defaultdict(dict)
    position = 0
    now = timezone.now()
    written = 0
    for period in quarters:
        while position < len(rating_rows) and rating_rows[position][2] <= period.key:
            partner_id, criterion_id, rated_in, rating = rating_rows[position]
            latest[partner_id][criterion_id] = (rating, rated_in)
            position += 1
        rows = []
        too_early = {partner_id for partner_id in ids if joined.get(partner_id) and joined[partner_id] >= period.end}
        for partner_id in ids:
            if partner_id in too_early:
                continue
            total, entries = score_partner(
                criteria, snapshots.get((partner_id, period.key)), latest.get(partner_id, {})
            )
            rows.append(
                Scorecard(
                    partner_id=partner_id,
                    period=period.key,
                    period_start=period.start,
                    total=total,
                    criteria=entries,
                    computed_at=now,
                )
            )
        with transaction.atomic():
            for chunk in _chunks(too_early):
                Scorecard.objects.filter(period=period.key, partner_id__in=chunk).delete()
            Scorecard.objects.bulk_create(
                rows,
                batch_size=BATCH,
                update_conflicts=True,
                unique_fields=["partner", "period"],
                update_fields=["period_start", "total", "criteria", "computed_at"],
            )
        written += len(rows)
    return written
