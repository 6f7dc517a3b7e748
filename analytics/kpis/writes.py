"""The rollup's writes: two INSERT ... SELECT statements, the month rows from every source at once and the
quarter rows from the month rows (analytics/kpis/definitions.py says what each figure is)."""

from datetime import date

from django.conf import settings
from django.db.models import DateField
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncDate

from analytics.kpis.definitions import (
    ACCUMULATED,
    CERTIFICATE_FIELDS,
    MONEY_FIELDS,
    Horizon,
    _aware,
)
from analytics.kpis.sources import SOURCES, _scope
from partners.models import Partner, TierChange
from prm.periods import quarter_of


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


def _source_ctes(connection, horizon: Horizon, partner_ids) -> tuple[list[str], list, list[tuple[str, list[str]]]]:
    """Every source's grouped query as a CTE `sN` (the certificate members of the months: one `certs` UNION
    ALL): (CTE definitions, their parameters, [(alias, KPI columns it gives)])."""
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
    return ctes, params, sources


def write_months(connection, horizon: Horizon, partner_ids, computed_at) -> int:
    """INSERT ... SELECT of every month row of the horizon, all sources in one statement.

    Each source's grouped query (one row per partner and month) is a CTE, LEFT JOINed to the grid of
    partners x months; the certificate counts of the months are one UNION ALL. A partner gets a row for
    every month from the one it joined in (or was created in) onwards, and for any earlier month it has
    activity in. The row's tier is the one the partner held at the month's end (its TierChange history,
    `_tier_ranges_sql`), so a promotion never moves past months to the new tier (docs/figures.md).
    """
    ctes, params, sources = _source_ctes(connection, horizon, partner_ids)
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
