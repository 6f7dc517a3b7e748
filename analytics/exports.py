"""Analytics' section of the organisation export (partners/data_export.py): KPI snapshots and scorecards."""

from analytics.models import KpiSnapshot, Scorecard
from partners.data_export import DataSet, data_sets_section, register_section

ANALYTICS_DATA_SETS = (
    DataSet(
        "kpi_snapshots.csv",
        KpiSnapshot,
        tuple(
            field.attname
            for field in KpiSnapshot._meta.concrete_fields
            if field.name not in ("partner", "tier", "channel_manager")
        )
        + ("tier__name",),
    ),
    DataSet("scorecards.csv", Scorecard, ("id", "period", "period_start", "total", "criteria", "computed_at")),
)

register_section("analytics", data_sets_section(*ANALYTICS_DATA_SETS), order=60)
