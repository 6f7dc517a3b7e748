"""Finance's approval of a partner's MDF claim, measured by the SLA app (docs/sla.md)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from accounts import access
from mdf.models import ClaimStatus, MdfClaim
from sla.models import SlaKind
from sla.registry import Kind, amount_title, register

register(
    Kind(
        key=SlaKind.MDF_CLAIM,
        source=MdfClaim,
        start_field="created_at",
        decided_field="decided_at",
        # Waiting for finance; a claim with a question back to the partner ("info_requested") waits on the partner.
        open_filter=Q(status=ClaimStatus.SUBMITTED),
        audience=access.is_internal | access.is_partner_user,
        describe=amount_title(gettext_lazy("MDF claim %(id)s (%(amount)s)"), "claimed_amount"),
        sla_setting="MDF_CLAIM_SLA_BUSINESS_DAYS",
        url_name="mdf:claim_detail",
        values=("claimed_amount", "currency"),
    )
)
