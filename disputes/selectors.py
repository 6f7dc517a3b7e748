"""Reads about disputes, scoped to the user, and the explainable-match views of a registration."""

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone

from accounts import access
from deals.models import DealReason, DealRegistration, DealStatus
from deals.selectors import evidence_rows
from disputes.models import Dispute, DisputeFile, DisputeStatus
from prm.audit import history_of
from prm.tenancy import get_visible_or_404


def with_overdue(queryset, now=None):
    now = now or timezone.now()
    return queryset.annotate(
        overdue=Case(
            When(Q(status=DisputeStatus.OPEN) & Q(due_at__lt=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


RELATED = (
    "partner",
    "deal",
    "deal__partner",
    "deal__conflict_with",
    "deal__conflict_with__partner",
    "holder",
    "holder__partner",
    "opened_by",
    "decided_by",
)


def dispute_list(user):
    return with_overdue(Dispute.objects.visible_to(user).select_related(*RELATED)).order_by("due_at", "id")


def dispute_detail(user, pk) -> Dispute:
    return get_visible_or_404(with_overdue(Dispute.objects.select_related(*RELATED)), user, pk=pk)


def file_for(user, pk) -> DisputeFile:
    return get_visible_or_404(DisputeFile.objects.select_related("dispute"), user, pk=pk)


def holder_of(dispute: Dispute):
    """The registration the dispute is against (internal only): the one that lost or won the decision,
    else the one that blocked the disputed registration."""
    return dispute.holder if dispute.holder_id else dispute.deal.conflict_with


def current_holder(deal: DealRegistration):
    return (
        DealRegistration.objects.holding()
        .filter(account_id=deal.account_id)
        .exclude(pk=deal.pk)
        .select_related("partner")
        .first()
    )


def timeline(dispute: Dispute) -> list:
    """The dispute's own audit rows and those of the disputed registration, newest first."""
    rows = list(history_of(dispute)) + list(history_of(dispute.deal))
    return sorted(rows, key=lambda entry: (entry.created_at, entry.pk), reverse=True)


def matched_on(deal: DealRegistration) -> str:
    """ "domain" when the blocking account matched on the normalised domain, else "name"."""
    rows = deal.match_evidence or []
    for row in rows:
        if row.get("account_id") == deal.account_id and row.get("same_domain"):
            return "domain"
    if not any(row.get("account_id") == deal.account_id for row in rows) and any(r.get("same_domain") for r in rows):
        return "domain"
    return "name"


def deal_panel(deal: DealRegistration, user) -> dict:
    """What the deal page shows about the match and a dispute: a partner reads one sentence (never who,
    nor the scores); internal users get the conflicting registration and the full evidence."""
    dispute = Dispute.objects.filter(deal=deal).first()
    conflict = deal.status == DealStatus.REJECTED and deal.reason == DealReason.CONFLICT
    context = {"deal": deal, "dispute": dispute, "conflict": conflict, "user": user}
    if access.is_internal(user):
        context["conflicting"] = (
            DealRegistration.objects.select_related("partner").filter(pk=deal.conflict_with_id).first()
            if deal.conflict_with_id
            else None
        )
        context["internal"] = True
    else:
        context["matched_on"] = matched_on(deal) if conflict else ""
        context["may_dispute"] = conflict and dispute is None and _may_open(user, deal)
    return context


def _may_open(user, deal) -> bool:
    """The partner's admin or the deal's registrant, of a partner in good standing (disputes.services)."""
    try:
        access.require(user, "disputes.dispute_own_deal", deal)
        access.require(user, "disputes.open", deal, standing=False)
    except PermissionDenied:  # the button is not offered
        return False
    return True


def side_by_side(dispute: Dispute) -> dict:
    disputed = dispute.deal
    holder = holder_of(dispute)
    return {
        "disputed": disputed,
        "holder": holder,
        "current_holder": current_holder(disputed) if dispute.status == DisputeStatus.OPEN else None,
        "evidence": evidence_rows(disputed),
    }
