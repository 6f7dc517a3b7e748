"""Demo data of receipts, called by `seed_demo`: every decided deal of the fixed demo partners (Acme Cloud
Partners, Globex Integrators) gets the receipt of its latest decision if it has none yet. Deals decided through
the services during the demo already got theirs from the event handlers; this covers bulk-made history.
Idempotent, and bounded (a few hundred deals at most) so the seed stays fast."""

from django.db import transaction

from deals.models import DealRegistration, DealSource, DealStatus
from partners.models import Partner
from receipts.models import Receipt, ReceiptKind
from receipts.services import issue_receipt

FIXED_PARTNERS = ("DEMO-ACME", "DEMO-GLOBEX")
LIMIT = 300

KIND_OF_STATUS = {
    DealStatus.SUBMITTED: ReceiptKind.SUBMITTED,
    DealStatus.PENDING_REVIEW: ReceiptKind.SUBMITTED,
    DealStatus.APPROVED: ReceiptKind.APPROVED,
    DealStatus.WON: ReceiptKind.APPROVED,
    DealStatus.LOST: ReceiptKind.APPROVED,
    DealStatus.REJECTED: ReceiptKind.REJECTED,
    DealStatus.EXPIRED: ReceiptKind.EXPIRED,
}


def seed(*, seed: int, partners: int, stdout) -> None:
    fixed = list(Partner.objects.filter(external_crm_id__in=FIXED_PARTNERS).values_list("pk", flat=True))
    if not fixed:
        stdout.write("  receipts: no demo partners, skipped")
        return
    deals = (
        DealRegistration.objects.filter(
            partner_id__in=fixed, source=DealSource.PARTNER, status__in=list(KIND_OF_STATUS)
        )
        .exclude(pk__in=Receipt.objects.values("deal_id"))
        .select_related("partner", "policy_version")
        .order_by("-created_at")[:LIMIT]
    )
    issued = 0
    with transaction.atomic():
        for deal in deals:
            # A won or lost deal's receipt is the approval it was won or lost under.
            outcome = DealStatus.APPROVED if deal.status in (DealStatus.WON, DealStatus.LOST) else deal.status
            issue_receipt(
                deal=deal,
                kind=KIND_OF_STATUS[deal.status],
                outcome=outcome,
                reason=deal.reason or None,
                decided_at=deal.decided_at or deal.submitted_at or deal.created_at,
                protected_until=deal.protected_until,
            )
            issued += 1
    stdout.write(f"  receipts: {issued} signed receipts for the demo partners' deals")
