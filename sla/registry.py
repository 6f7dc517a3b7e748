"""The kinds of item the vendor owes a decision on, and how each one's clock runs (docs/sla.md).

Each `Kind` knows its model, which rows are open (waiting on the vendor), when the clock started, when the
item was decided, and its SLA in business days. Reading is set-based: one query per kind, whatever the number of items.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _

from accounts import access
from policy.models import PolicyStatus, RoePolicy
from sla.models import SlaKind


@dataclass(frozen=True)
class Kind:
    key: str
    model_label: str  # "app_label.ModelName"
    start_field: str
    decided_field: str
    open_filter: Q
    # Who sees this kind (accounts/access.py predicates): channel managers their own book only, partner users
    # their own organisation's items.
    audience: object
    url_name: str = ""
    partner_link: bool = True  # partners may open the item's page
    values: tuple = ()  # extra columns for the title
    decided_filter: Q = field(default_factory=Q)
    due_field: str = ""  # a due moment the item keeps itself (disputes), instead of one from the SLA days

    @property
    def label(self) -> str:
        return SlaKind(self.key).label

    def model(self):
        return apps.get_model(self.model_label)

    def default_sla_days(self) -> int:
        return int(getattr(settings, SLA_SETTINGS[self.key], 0) or 0)

    def sla_days(self, row: dict, policies) -> int:
        if self.key == SlaKind.DEAL:
            return policies.approval_days(row["started"])
        return self.default_sla_days()

    def title(self, row: dict) -> str:
        if self.key == SlaKind.DEAL:
            return row.get("customer_name") or _("Deal %(id)s") % {"id": row["pk"]}
        if self.key == SlaKind.MDF_CLAIM:
            return _("MDF claim %(id)s (%(amount)s %(currency)s)") % {
                "id": row["pk"],
                "amount": formats.number_format(row["claimed_amount"], 2),
                "currency": row["currency"],
            }
        if self.key == SlaKind.PAYOUT:
            return _("Payout batch %(id)s (%(amount)s %(currency)s)") % {
                "id": row["pk"],
                "amount": formats.number_format(row["total"], 2),
                "currency": row["currency"],
            }
        return _("Dispute on deal %(deal)s") % {"deal": row.get("deal_id") or row["pk"]}

    def url(self, pk: int) -> str:
        if not self.url_name:
            return ""
        try:
            return reverse(self.url_name, args=[pk])
        except NoReverseMatch:
            return ""

    def visible_to(self, user) -> bool:
        return bool(self.audience.test(user))


SLA_SETTINGS = {
    SlaKind.DEAL: "DEAL_APPROVAL_SLA_BUSINESS_DAYS",
    SlaKind.MDF_CLAIM: "MDF_CLAIM_SLA_BUSINESS_DAYS",
    SlaKind.PAYOUT: "COMMISSION_PAYOUT_SLA_BUSINESS_DAYS",
    SlaKind.DISPUTE: "DISPUTE_SLA_BUSINESS_DAYS",
}

KINDS: dict[str, Kind] = {
    SlaKind.DEAL: Kind(
        key=SlaKind.DEAL,
        model_label="deals.DealRegistration",
        start_field="submitted_at",
        decided_field="decided_at",
        # A partner's registration waiting for the vendor: submitted, or held for a channel manager's review.
        open_filter=Q(status__in=["submitted", "pending_review"], source="partner", submitted_at__isnull=False),
        # Decisions people made: accepted leads and automatic conflict/duplicate outcomes are not waits.
        decided_filter=Q(source="partner", submitted_at__isnull=False)
        & ~Q(reason__in=["lead", "conflict", "duplicate"]),
        audience=access.is_channel_manager | access.is_program_admin | access.is_partner_user,
        url_name="deals:detail",
        values=("customer_name",),
    ),
    SlaKind.MDF_CLAIM: Kind(
        key=SlaKind.MDF_CLAIM,
        model_label="mdf.MdfClaim",
        start_field="created_at",
        decided_field="decided_at",
        # Waiting for finance; a claim with a question back to the partner ("info_requested") waits on the partner.
        open_filter=Q(status="submitted"),
        audience=access.is_internal | access.is_partner_user,
        url_name="mdf:claim_detail",
        values=("claimed_amount", "currency"),
    ),
    SlaKind.PAYOUT: Kind(
        key=SlaKind.PAYOUT,
        model_label="commissions.PayoutBatch",
        start_field="created_at",
        decided_field="approved_at",
        # A batch waits for the second finance user's (four-eyes) approval while it is a draft.
        open_filter=Q(status="draft"),
        # Earnings are the partner admins' and finance's (docs/api.md); channel managers do not see payout batches.
        audience=access.is_finance | access.is_program_admin | access.is_partner_admin,
        url_name="commissions:batch",
        partner_link=False,
        values=("total", "currency"),
    ),
    SlaKind.DISPUTE: Kind(
        key=SlaKind.DISPUTE,
        model_label="disputes.Dispute",
        start_field="opened_at",
        decided_field="decided_at",
        open_filter=Q(status="open"),
        audience=access.is_channel_manager | access.is_program_admin | access.is_partner_user,
        url_name="disputes:detail",
        values=("deal_id",),
        due_field="due_at",
    ),
}


def kinds_for(user) -> list[Kind]:
    if user is None:
        return list(KINDS.values())
    if not getattr(user, "is_authenticated", False):
        return []
    return [kind for kind in KINDS.values() if kind.visible_to(user)]


class Policies:
    """The published rules-of-engagement versions, loaded once: `approval_days(when)` is
    `policy_at(when).approval_sla_business_days` (policy/selectors.py) without a query per item."""

    def __init__(self):
        self._versions: list | None = None

    def _load(self):
        if self._versions is None:
            self._versions = list(
                RoePolicy.objects.filter(
                    status__in=[PolicyStatus.PUBLISHED, PolicyStatus.ARCHIVED], effective_from__isnull=False
                )
                .order_by("-effective_from", "-version")
                .values_list("effective_from", "approval_sla_business_days")
            )
        return self._versions

    def approval_days(self, when: datetime) -> int:
        versions = self._load()
        for effective_from, days in versions:
            if effective_from <= when:
                return days
        if versions:  # before the first version: policy_at falls back to the first published one
            return versions[-1][1]
        return settings.DEAL_APPROVAL_SLA_BUSINESS_DAYS
