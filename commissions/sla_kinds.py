"""The second finance user's approval of a payout batch, measured by the SLA app (docs/sla.md)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from accounts import access
from commissions.models import BatchStatus, PayoutBatch
from sla.models import SlaKind
from sla.registry import Kind, amount_title, register

register(
    Kind(
        key=SlaKind.PAYOUT,
        source=PayoutBatch,
        start_field="created_at",
        decided_field="approved_at",
        # A batch waits for the second finance user's (four-eyes) approval while it is a draft.
        open_filter=Q(status=BatchStatus.DRAFT),
        # Earnings are the partner admins' and finance's (the API doc); channel managers do not see payout batches.
        audience=access.is_finance | access.is_program_admin | access.is_partner_admin,
        describe=amount_title(gettext_lazy("Payout batch %(id)s (%(amount)s)"), "total"),
        sla_setting="COMMISSION_PAYOUT_SLA_BUSINESS_DAYS",
        url_name="commissions:batch",
        partner_link=False,
        values=("total", "currency"),
    )
)
