"""Event subscribers of analytics: mark the partners an event touched and queue their prompt rollup
(docs/analytics.md: Freshness)."""

from analytics.services import mark_dirty, schedule_prompt_rollup
from deals.models import DealRegistration, Influence
from prm.events import on_event

# Events whose partner's KPIs may change (the names registered in each app's events.py).
# A tier change moves the running period's rows to the new tier (snapshots carry the tier held at each
# period's end; docs/figures.md).
KPI_EVENT_PREFIXES = (
    "deal.",
    "lead.",
    "certification.",
    "course.completed",
    "mdf.",
    "commission.",
    "partner.tier_changed",
)


@on_event("*")
def mark_partners_dirty(event) -> None:
    """The event's partner, and for a deal every partner that influenced it (their influenced figures)."""
    if not event.name.startswith(KPI_EVENT_PREFIXES):
        return
    partner_ids = {event.partner_id}
    if event.name.startswith("deal.") and event.content_type_id and event.object_id:
        model = event.content_type.model_class()
        if model is DealRegistration:
            deal_id = event.object_id
        elif model is Influence:
            deal_id = Influence.objects.filter(pk=event.object_id).values_list("deal_id", flat=True).first()
        else:
            deal_id = None
        if deal_id:
            partner_ids |= set(Influence.objects.filter(deal_id=deal_id).values_list("partner_id", flat=True))
            partner_ids |= set(DealRegistration.objects.filter(pk=deal_id).values_list("partner_id", flat=True))
    mark_dirty(partner_ids=partner_ids)
    schedule_prompt_rollup()
