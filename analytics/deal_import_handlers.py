"""A partner's imported deal history changes its figures: mark the partner for the next incremental rollup
(docs/analytics.md: Freshness). History records no domain events, so deals tells its listeners directly."""

from analytics.services import mark_dirty
from deals.history_import import on_history_imported


@on_history_imported
def mark_partner_dirty(partner_id: int) -> None:
    mark_dirty(partner_ids=[partner_id])
