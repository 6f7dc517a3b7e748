"""The vendor's decision on a partner's registration, measured by the SLA app (docs/sla.md)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import access
from deals.models import DealReason, DealRegistration, DealSource, DealStatus
from sla.models import SlaKind
from sla.registry import Kind, register


def _title(row: dict) -> str:
    return row.get("customer_name") or _("Deal %(id)s") % {"id": row["pk"]}


register(
    Kind(
        key=SlaKind.DEAL,
        source=DealRegistration,
        start_field="submitted_at",
        decided_field="decided_at",
        # A partner's registration waiting for the vendor: submitted, or held for a channel manager's review.
        open_filter=Q(
            status__in=[DealStatus.SUBMITTED, DealStatus.PENDING_REVIEW],
            source=DealSource.PARTNER,
            submitted_at__isnull=False,
        ),
        # Decisions people made: accepted leads and automatic conflict/duplicate outcomes are not waits.
        decided_filter=Q(source=DealSource.PARTNER, submitted_at__isnull=False)
        & ~Q(reason__in=[DealReason.LEAD, DealReason.CONFLICT, DealReason.DUPLICATE]),
        audience=access.is_channel_manager | access.is_program_admin | access.is_partner_user,
        describe=_title,
        # The rules-of-engagement version in force when the registration was submitted.
        policy_days=lambda policies, when: policies.approval_days(when),
        url_name="deals:detail",
        values=("customer_name",),
    )
)
