"""The vendor's decision on a registration dispute, measured by the SLA app (docs/sla.md) against the
dispute's own due moment."""

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import access
from disputes.models import Dispute, DisputeStatus
from sla.models import SlaKind
from sla.registry import Kind, register


def _title(row: dict) -> str:
    return _("Dispute on deal %(deal)s") % {"deal": row.get("deal_id") or row["pk"]}


register(
    Kind(
        key=SlaKind.DISPUTE,
        source=Dispute,
        start_field="opened_at",
        decided_field="decided_at",
        open_filter=Q(status=DisputeStatus.OPEN),
        audience=access.is_channel_manager | access.is_program_admin | access.is_partner_user,
        describe=_title,
        sla_setting="DISPUTE_SLA_BUSINESS_DAYS",
        url_name="disputes:detail",
        values=("deal_id",),
        due_field="due_at",
    )
)
