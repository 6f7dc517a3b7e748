"""A recorded exchange rate changes the converted KPIs of every partner with amounts in that currency: each
app that owns such amounts says which partners, and they are queued for the next incremental rollup
(docs/analytics.md: Freshness)."""

from analytics.services import mark_dirty
from commissions.selectors import partner_ids_with_currency as commission_partners
from deals.selectors import partner_ids_with_currency as deal_partners
from mdf.selectors import partner_ids_with_currency as mdf_partners
from prm.events import on_event


@on_event("fx.rate_changed")
def mark_partners_with_currency_dirty(event) -> None:
    currency = event.payload["currency"]
    mark_dirty(partner_ids=deal_partners(currency) | mdf_partners(currency) | commission_partners(currency))
