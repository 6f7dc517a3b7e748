"""The end of protection: an approved registration stops holding its customer once its protection ended."""

from datetime import date

from deals.models import DEAL_WORKFLOW, DealRegistration, DealStatus
from deals.payloads import deal_payload
from prm.events import record_event


def expire(deal: DealRegistration) -> None:
    """Protection ended. Not a new policy decision: the end date was decided at approval (and extension)
    under the version recorded on the deal, which therefore stays."""
    DEAL_WORKFLOW.apply(deal, DealStatus.EXPIRED, actor=None, action="expire", reason="Protection ended.")
    record_event("deal.expired", partner=deal.partner, subject=deal, payload=deal_payload(deal))


def expire_stale_holders(account_ids, today: date) -> None:
    """Approved holders whose protection ended but that beat has not expired yet stop blocking now."""
    for deal in DealRegistration.objects.filter(
        account_id__in=account_ids, status=DealStatus.APPROVED, protected_until__lt=today
    ).select_related("partner"):
        expire(deal)
