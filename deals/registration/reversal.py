"""Reversing a conflict decision after a dispute (docs/disputes.md): the registration holding the customer
loses (rejected, reason dispute_reversed) and the disputed one is approved with protection from today under
the version in force. Only this module re-decides a decided registration (REVERSAL_WORKFLOW); disputes call
`reverse_conflict` inside their own transaction and record the dispute's side."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.models import HOLDING_STATUSES, REVERSAL_WORKFLOW, DealReason, DealRegistration, DealStatus
from deals.payloads import deal_payload
from deals.registration import decision as engine
from deals.registration.lock import lock_account
from deals.registration.outcome import outcome_message
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict

# What the losing holder's partner reads: never who disputed, nor which partner now holds the customer.
HOLDER_NOTE = "Reversed on a dispute: an earlier registration of this customer was found to have priority."
REVERSED_FIELDS = ["reason", "decision_note", "decided_at", "decided_by", "protected_until", "updated_at"]


def is_rejected_conflict(deal: DealRegistration) -> bool:
    """A partner's registration rejected because another registration held the customer: the one decision
    a dispute can reverse."""
    return deal.status == DealStatus.REJECTED and deal.reason == DealReason.CONFLICT and deal.partner_id is not None


def reverse_conflict(*, deal_id: int, actor, note: str, policy, dispute_id: int) -> DealRegistration | None:
    """Re-decide the rejected conflict `deal_id` in the disputing partner's favour; returns the registration
    that held the customer (None when none did). Call inside a transaction. Both deals are locked, and the
    holder is demoted first, so the one-active-holder constraint holds throughout."""
    account_id = DealRegistration.objects.values_list("account_id", flat=True).get(pk=deal_id)
    lock_account(account_id)
    # Lock the disputed registration and the account's active holder(s) in one statement, in id order.
    locked = list(
        DealRegistration.objects.select_for_update(of=("self",))
        .filter(Q(pk=deal_id) | Q(account_id=account_id, status__in=HOLDING_STATUSES, partner__isnull=False))
        .order_by("pk")
    )
    disputed = next(d for d in locked if d.pk == deal_id)
    holders = [d for d in locked if d.pk != deal_id]
    if not is_rejected_conflict(disputed):
        raise Conflict(_("This registration is no longer a rejected conflict."), code="not_disputable")
    if any(h.partner_id == disputed.partner_id for h in holders):
        raise Conflict(
            _("The partner's own registration now holds this customer; nothing to reverse."),
            code="already_held_by_partner",
        )
    now = timezone.now()
    for lost in holders:
        _demote(lost, actor=actor, now=now, dispute_id=dispute_id)
    _approve(deal_id, actor=actor, note=note, policy=policy, now=now, dispute_id=dispute_id)
    return holders[0] if holders else None


def _demote(lost: DealRegistration, *, actor, now, dispute_id: int) -> None:
    previous_until = lost.protected_until
    lost.reason = DealReason.DISPUTE_REVERSED
    lost.decision_note = HOLDER_NOTE
    lost.decided_at, lost.decided_by = now, actor
    lost.protected_until = None
    REVERSAL_WORKFLOW.apply(
        lost,
        DealStatus.REJECTED,
        actor=actor,
        action="dispute_reverse",
        reason=HOLDER_NOTE,
        extra_fields=REVERSED_FIELDS,
    )
    record_audit(
        actor=actor,
        obj=lost,
        action="protection_removed",
        changes={"protected_until": previous_until.isoformat() if previous_until else None},
    )
    lost = DealRegistration.objects.select_related("partner").get(pk=lost.pk)
    record_event(
        "deal.rejected",
        actor=actor,
        partner=lost.partner,
        subject=lost,
        payload=deal_payload(lost, message=outcome_message(lost), dispute_id=dispute_id),
    )


def _approve(deal_id: int, *, actor, note: str, policy, now, dispute_id: int) -> None:
    disputed = DealRegistration.objects.select_related("partner__tier").get(pk=deal_id)
    disputed.reason = DealReason.DISPUTE_REVERSED
    disputed.protected_until = engine.approval_protected_until(
        policy, disputed.partner.tier_id, timezone.localdate(now)
    )
    disputed.policy_version = policy
    disputed.decided_at, disputed.decided_by = now, actor
    disputed.decision_note = note
    REVERSAL_WORKFLOW.apply(
        disputed,
        DealStatus.APPROVED,
        actor=actor,
        action="dispute_reverse",
        reason=note,
        extra_fields=[*REVERSED_FIELDS, "policy_version"],
    )
    record_event(
        "deal.approved",
        actor=actor,
        partner=disputed.partner,
        subject=disputed,
        payload=deal_payload(disputed, dispute_id=dispute_id),
    )
