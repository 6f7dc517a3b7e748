"""Receipts follow registration decisions: each deal event below issues one signed receipt.

Handlers run after the deciding transaction commits (prm.events.dispatch), once per event; the receipt is
keyed by the event id, so a retried dispatch issues nothing new, while a deal decided again (disputes record
a new deal.approved / deal.rejected) gets a new receipt. The outcome comes from the event's payload, i.e. the
deal as it was decided, not as it is when the handler happens to run.
"""

from datetime import date

from django.utils.dateparse import parse_date

from deals.models import DealRegistration, DealSource
from prm.events import on_event
from receipts.models import ReceiptKind
from receipts.services import issue_receipt

KIND_OF_EVENT = {
    "deal.submitted": ReceiptKind.SUBMITTED,
    "deal.approved": ReceiptKind.APPROVED,
    "deal.rejected": ReceiptKind.REJECTED,
    "deal.expired": ReceiptKind.EXPIRED,
    "deal.extension_decided": ReceiptKind.EXTENDED,
}


def _protected_until(value) -> date | None:
    if not value:
        return None
    try:
        return parse_date(str(value))
    except ValueError:
        return None


@on_event(*KIND_OF_EVENT)
def issue_decision_receipt(event):
    payload = event.payload or {}
    if event.name == "deal.extension_decided" and not payload.get("approved"):
        return  # a declined extension changes nothing the partner holds
    deal_id = payload.get("deal_id") or event.object_id
    deal = DealRegistration.objects.filter(pk=deal_id).select_related("partner", "policy_version").first()
    if deal is None or deal.partner_id is None or deal.source != DealSource.PARTNER:
        return
    issue_receipt(
        deal=deal,
        kind=KIND_OF_EVENT[event.name],
        outcome=payload.get("status") or deal.status,
        reason=payload.get("reason"),
        decided_at=event.created_at,
        protected_until=_protected_until(payload.get("protected_until")),
        source_event_id=event.pk,
    )
