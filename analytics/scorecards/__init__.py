"""Partner scorecards: the scoring (`scoring`), its reads (`selectors`), writes (`services`), pages (`views`,
`forms`) and API (`api`). The scoring's public functions are re-exported here for the rollup and demo."""

from analytics.scorecards.scoring import (
    compute_scorecards,
    current_quarter,
    default_periods,
    previous_quarter,
    quarter,
    quarters_ending,
)

__all__ = ["compute_scorecards", "current_quarter", "default_periods", "previous_quarter", "quarter", "quarters_ending"]
