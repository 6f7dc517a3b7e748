"""Reads of analytics: the program dashboard and the KPI API read KpiSnapshot rows only (never raw deals),
with a fixed number of grouped queries whatever the number of partners."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, CharField, Count, IntegerField, Sum, Value, When
from django.utils import timezone

from analytics import kpis
from analytics.models import KpiSnapshot, RollupRun
from partners.models import PartnerType, Region
from prm.periods import Period, quarter_of

SUMMED = kpis.MONEY_FIELDS + kpis.COUNT_FIELDS + ("certified_people", "certified_target")
TREND_QUARTERS = 8
SNAPSHOT_VERSION_KEY = "analytics:snapshot-version"
DASHBOARD_CACHE_SECONDS = 6 * 60 * 60


def _sums():
    # One snapshot row per partner and period: counting rows counts partners (no DISTINCT sort).
    return {name: Sum(name) for name in SUMMED} | {"partners": Count("id")}


def _finish(row: dict, program: bool = False) -> dict:
    """Zero the missing sums and recompute the group's rates from its summed counts (never averaged).

    `program`: the row sums several partners, so its influenced bookings are the program's (each deal
    once, at its first influencer: kpis.program_influenced_bookings), not the sum of every partner's
    credit; a single partner's row keeps its full credit."""
    if program and "program_influenced_bookings" in row:
        row["influenced_bookings"] = row["program_influenced_bookings"]
    for name in SUMMED:
        if name in kpis.MONEY_FIELDS:
            row[name] = Decimal(row.get(name) or 0).quantize(kpis.CENT)
        elif row.get(name) is None:
            row[name] = 0
    row.setdefault("partners", 0)
    return kpis.derive(row)


def quarters_ending(period: Period, count: int = TREND_QUARTERS) -> list[Period]:
    quarters = [period]
    while len(quarters) < count:
        quarters.insert(0, quarter_of(quarters[0].start - timedelta(days=1)))
    return quarters


def quarter_choices() -> list[tuple[str, str]]:
    """The quarters of the rollup horizon, newest first."""
    return [(q.key, q.key) for q in reversed(kpis.history_horizon().quarters)]


def filtered_snapshots(*, tier=None, partner_type="", region="", manager=None):
    # Every caller filters by quarter keys ("2026-Q4"), which imply the quarter rows.
    rows = KpiSnapshot.objects.all()
    if tier is not None:
        rows = rows.filter(tier=tier)
    if partner_type:
        rows = rows.filter(partner_type=partner_type)
    if region:
        rows = rows.filter(region=region)
    if manager is not None:
        rows = rows.filter(channel_manager=manager)
    return rows


def grouped(rows, key: str, name_field: str | None = None) -> list[dict]:
    fields = [key] + ([name_field] if name_field else [])
    result = []
    for row in rows.values(*fields).annotate(**_sums()).order_by(key):
        row = _finish(row, program=True)
        row["key"] = row[key]
        row["name"] = row[name_field] if name_field else row[key]
        result.append(row)
    return result


def program_dashboard(*, period: Period, tier=None, partner_type="", region="", manager=None) -> dict:
    """Everything the program dashboard shows for the quarter `period` and the filters.

    The figures change only when a rollup writes snapshots, so they are cached under the snapshots'
    version (services.bump_snapshot_version); the last rollup run is always read fresh.
    """
    key = ":".join(
        str(part)
        for part in (
            "analytics:program",
            snapshot_version(),
            period.key,
            getattr(tier, "pk", ""),
            partner_type,
            region,
            getattr(manager, "pk", ""),
        )
    )
    data = cache.get(key)
    if data is None:
        data = _program_figures(period=period, tier=tier, partner_type=partner_type, region=region, manager=manager)
        cache.set(key, data, DASHBOARD_CACHE_SECONDS)
    return {**data, "last_run": RollupRun.objects.select_related("requested_by").first()}


def snapshot_version() -> str:
    return cache.get(SNAPSHOT_VERSION_KEY) or "0"


def _program_figures(*, period: Period, tier, partner_type, region, manager) -> dict:
    base = filtered_snapshots(tier=tier, partner_type=partner_type, region=region, manager=manager)
    quarters = quarters_ending(period)
    trend_rows = {row["period"]: row for row in grouped(base.filter(period__in=[q.key for q in quarters]), "period")}
    trend = [trend_rows.get(q.key) or _finish({"period": q.key, "key": q.key, "name": q.key}) for q in quarters]
    for row, quarter in zip(trend, quarters, strict=True):
        row["name"] = row["key"] = quarter.key
    current = base.filter(period=period.key)
    by_tier = grouped(current, "tier_id", "tier__name")
    types, regions = dict(PartnerType.choices), dict(Region.choices)
    by_type = grouped(current, "partner_type")
    for row in by_type:
        row["name"] = types.get(row["key"], row["key"])
    by_region = grouped(current, "region")
    for row in by_region:
        row["name"] = regions.get(row["key"], row["key"])
    bucket = Case(
        When(certified_people=0, then=Value("0")),
        When(certified_people__lte=2, then=Value("1-2")),
        When(certified_people__lte=5, then=Value("3-5")),
        default=Value("6+"),
        output_field=CharField(),
    )
    order = Case(
        When(certified_people=0, then=Value(0)),
        When(certified_people__lte=2, then=Value(1)),
        When(certified_people__lte=5, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    by_certs = [
        _finish(row, program=True) | {"key": row["bucket"], "name": f"{row['bucket']} certified"}
        for row in current.annotate(bucket=bucket, bucket_order=order)
        .values("bucket", "bucket_order")
        .annotate(**_sums())
        .order_by("bucket_order")
    ]
    top = [
        _finish(row) | {"key": row["partner_id"], "name": row["partner__name"], "partners": 1}
        for row in current.order_by("-sourced_bookings", "partner_id").values("partner_id", "partner__name", *SUMMED)[
            :10
        ]
    ]
    cohorts = grouped(current, "joined_quarter")
    totals = _finish({name: sum(row[name] for row in by_tier) for name in SUMMED})
    totals["partners"] = sum(row["partners"] for row in by_tier)
    return {
        "period": period,
        "trend": trend,
        "by_tier": by_tier,
        "by_type": by_type,
        "by_region": by_region,
        "by_certs": by_certs,
        "top": top,
        "cohorts": cohorts,
        "totals": totals,
        "currency": settings.DEFAULT_CURRENCY,
    }


def program_groups(*, period: Period, group_by: str) -> list[dict]:
    """API: the quarter's (or month's) KPIs summed per tier, partner type or region."""
    rows = KpiSnapshot.objects.filter(period=period.key)
    if group_by == "tier":
        groups = grouped(rows, "tier_id", "tier__name")
    else:
        groups = grouped(rows, group_by)
        labels = dict(PartnerType.choices if group_by == "partner_type" else Region.choices)
        for row in groups:
            row["name"] = labels.get(row["key"], row["key"])
    return groups


def partner_kpis(*, partner_id: int, period: Period) -> dict:
    """API: one partner's snapshot for the period; zeros when the rollup has no row for it."""
    row = KpiSnapshot.objects.filter(partner_id=partner_id, period=period.key).values(*kpis.KPI_FIELDS).first()
    return row or _finish({})


def default_quarter() -> Period:
    return quarter_of(timezone.localdate())
