"""The KPI rollup: what each figure is (`definitions`), the grouped source queries (`sources`) and the two
INSERT ... SELECT statements that write the snapshots (`writes`). The names the rollup service, the
program dashboard and the benchmark use are re-exported here."""

from analytics.kpis.definitions import (
    CENT,
    COUNT_FIELDS,
    KPI_FIELDS,
    MONEY_FIELDS,
    STEPS,
    Horizon,
    _aware,
    derive,
    history_horizon,
)
from analytics.kpis.sources import _deal_sources, missing_rates
from analytics.kpis.writes import _member, write_months, write_quarters

__all__ = [
    "CENT",
    "COUNT_FIELDS",
    "KPI_FIELDS",
    "MONEY_FIELDS",
    "STEPS",
    "Horizon",
    "_aware",
    "_deal_sources",
    "_member",
    "derive",
    "history_horizon",
    "missing_rates",
    "write_months",
    "write_quarters",
]
