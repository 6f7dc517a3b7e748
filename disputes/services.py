"""Every write of disputes (issue 12, item 5). One transaction each; role and state checks, audit rows and
events live here so pages, the API and the demo obey the same rules.

Reversal re-decides both registrations. The reversal transitions (rejected > approved for the disputed
registration, submitted | pending review | approved > rejected for the holder) live in REVERSAL_WORKFLOW
below rather than in deals.DEAL_WORKFLOW: approve_deal, reject_deal and accept_as_influence check
DEAL_WORKFLOW only, so widening it would let the deal API approve a rejected registration (and hit the
one-active-holder constraint) or reject an approved one outside a dispute.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PARTNER_ROLES, Role
from deals.models import HOLDING_STATUSES, Account, AccountKey, DealReason, DealRegistration, DealStatus
from deals.services import deal_payload, lock_customer_keys, outcome_message
from disputes.files import MAX_FILES, check_file, check_files, safe_name
from disputes.models import DISPUTE_WORKFLOW, Dispute, DisputeFile, DisputeStatus
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict
from prm.guards import require_standing
from prm.workflow import Workflow
from sla.clock import due_at as sla_due_at

DEFAULT_SLA_BUSINESS_DAYS = 5
REASON_MAX = 5000
NOTE_MAX = 2000

REVERSAL_WORKFLOW = Workflow(
    {
        DealStatus.REJECTED: {DealStatus.APPROVED},
        DealStatus.SUBMITTED: {DealStatus.REJECTED},
        DealStatus.PENDING_REVIEW: {DealStatus.REJECTED},
        DealStatus.APPROVED: {DealStatus.REJECTED},
    }
)
# What the losing holder's partner reads: never who disputed, nor which partner now holds the customer.
HOLDER_NOTE = "Reversed on a dispute: an earlier registration of this customer was found to have priority."


def sla_business_days() -> int:
    return int(getattr(settings, "DISPUTE_SLA_BUSINESS_DAYS", DEFAULT_SLA_BUSINESS_DAYS))


# --- checks ----------------------------------------------------------------------------------------


def require_may_open(user, deal: DealRegistration) -> None:
    """The partner's admin or the user who registered the deal (403 for anyone else who can see it)."""
    if user is not None and user.is_authenticated:
        require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    if user is None or not user.is_authenticated or user.role not in PARTNER_ROLES:
        raise PermissionDenied(_("Only the partner's own users may dispute a decision."))
    if user.partner_id != deal.partner_id:
        raise PermissionDenied(_("Only the partner's own users may dispute a decision."))
    if user.role != Role.PARTNER_ADMIN and deal.registered_by_id != user.pk:
        raise PermissionDenied(
            _("Only your organisation's admin or the person who registered the deal may dispute it.")
        )


def may_decide(user, dispute: Dispute) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.PROGRAM_ADMIN:
        return True
    if user.role == Role.CHANNEL_MANAGER:
        manager_id = dispute.partner.channel_manager_id
        return manager_id is None or manager_id == user.pk
    return False


def require_may_decide(user, dispute: Dispute) -> None:
    """The partner's channel manager (any channel manager when it has none) or a program admin."""
    if not may_decide(user, dispute):
        raise PermissionDenied(_("Only the partner's channel manager or a program admin may decide disputes."))


def is_disputable(deal: DealRegistration) -> bool:
    return deal.status == DealStatus.REJECTED and deal.reason == DealReason.CONFLICT and deal.partner_id is not None


def not_disputable_message() -> str:
    return _("Only a registration rejected because another registration held the customer can be disputed.")


# --- opening ---------------------------------------------------------------------------------------


def _dispute_payload(dispute: Dispute, **extra) -> dict:
    partner = dispute.partner
    return {
        "dispute_id": dispute.pk,
        "deal_id": dispute.deal_id,
        "partner_id": dispute.partner_id,
        "customer_name": dispute.deal.customer_name,
        "status": dispute.status,
        "opened_by_id": dispute.opened_by_id,
        "due_at": dispute.due_at.isoformat() if dispute.due_at else None,
        "channel_manager_id": partner.channel_manager_id if partner else None,
        **extra,
    }


def open_dispute(*, user, deal: DealRegistration, reason: str, files=()) -> Dispute:
    """Dispute a rejected-conflict decision, once, with a reason and up to five files."""
    require_may_open(user, deal)
    files = list(files or [])
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the decision should be reviewed.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("At most %(count)s characters.") % {"count": REASON_MAX}]
    problems = check_files(files)
    if problems:
        errors["files"] = problems
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            deal = DealRegistration.objects.select_for_update(of=("self",)).select_related("partner").get(pk=deal.pk)
            if not is_disputable(deal):
                raise ValidationError({"deal": [not_disputable_message()]})
            if Dispute.objects.filter(deal=deal).exists():
                raise ValidationError(
                    {"deal": [_("This decision was already disputed; a decision can be disputed once.")]}
                )
            now = timezone.now()
            dispute = Dispute.objects.create(
                deal=deal,
                partner=deal.partner,
                opened_by=user,
                reason=reason,
                opened_at=now,
                due_at=sla_due_at(now, sla_business_days()),
            )
            for upload in files:
                content_type = check_file(upload)
                upload.name = safe_name(upload.name)
                DisputeFile.objects.create(
                    dispute=dispute,
                    file=upload,
                    name=upload.name,
                    content_type=content_type,
                    size=upload.size,
                    uploaded_by=user,
                )
            record_audit(actor=user, obj=dispute, action="open", to_state=DisputeStatus.OPEN, reason=reason)
            record_audit(actor=user, obj=deal, action="dispute_opened", changes={"dispute_id": dispute.pk})
            record_event(
                "dispute.opened",
                actor=user,
                partner=deal.partner,
                subject=dispute,
                payload=_dispute_payload(dispute, partner_name=deal.partner.name),
            )
    except IntegrityError:
        # Two people disputed the same decision at once: the one-to-one constraint let one through.
        raise ValidationError(
            {"deal": [_("This decision was already disputed; a decision can be disputed once.")]}
        ) from None
    return dispute


# --- deciding --------------------------------------------------------------------------------------


def _lock_dispute(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update(of=("self",)).select_related("partner", "deal").get(pk=dispute.pk)


def _decided(dispute: Dispute, *, status: str, actor, note: str, action: str) -> Dispute:
    dispute.decided_at, dispute.decided_by, dispute.decision_note = timezone.now(), actor, note
    DISPUTE_WORKFLOW.apply(
        dispute,
        status,
        actor=actor,
        action=action,
        reason=note,
        extra_fields=["decided_at", "decided_by", "decision_note", "holder"],
    )
    record_event(
        "dispute.decided",
        actor=actor,
        partner=dispute.partner,
        subject=dispute,
        payload=_dispute_payload(dispute, decision_note=note),
    )
    return dispute


def uphold_dispute(*, dispute: Dispute, actor, note: str) -> Dispute:
    """The rejection stands; the note (required) tells the partner why."""
    require_may_decide(actor, dispute)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say why the decision stands.")]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("At most %(count)s characters.") % {"count": NOTE_MAX}]})
    with transaction.atomic():
        dispute = _lock_dispute(dispute)
        DISPUTE_WORKFLOW.check(dispute, DisputeStatus.UPHELD)
        dispute.holder_id = dispute.deal.conflict_with_id
        _decided(dispute, status=DisputeStatus.UPHELD, actor=actor, note=note, action="uphold")
        record_audit(actor=actor, obj=dispute.deal, action="dispute_upheld", changes={"dispute_id": dispute.pk})
    return dispute


def protection_days_for(partner, policy) -> int:
    """Protection days of the partner's tier under a rules-of-engagement version (the version in force
    when none is given)."""
    if policy is None:
        from policy.selectors import current_policy

        policy = current_policy()
    return policy.protection_days_for(partner.tier_id)


def reverse_dispute(*, dispute: Dispute, actor, note: str = "") -> Dispute:
    """Reverse the decision: the registration holding the customer loses (rejected, reason
    dispute_reversed) and the disputed one is approved with protection from today under the current
    policy. Both deals are locked; the holder is demoted first, so the one-active-holder constraint
    holds throughout. deal.rejected / deal.approved events let receipts issue new receipts to both."""
    from policy.selectors import current_policy

    require_may_decide(actor, dispute)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("At most %(count)s characters.") % {"count": NOTE_MAX}]})
    try:
        with transaction.atomic():
            return _reverse(dispute=dispute, actor=actor, note=note, policy=current_policy())
    except IntegrityError:
        # A registration became the holder between our locks and the approval: the constraint refused ours.
        raise Conflict(
            _("Another registration took this customer meanwhile; look again before deciding."),
            code="customer_taken_meanwhile",
        ) from None


def _lock_account(account_id: int) -> None:
    """Serialise everything that changes who holds one customer: the blocking keys registrations lock
    (deals.services.lock_customer_keys), then the account row for other reversals."""
    keys = list(AccountKey.objects.filter(account_id=account_id).values_list("key", flat=True))
    lock_customer_keys(keys)
    list(Account.objects.select_for_update(no_key=True).filter(pk=account_id).values_list("pk", flat=True))


def _reverse(*, dispute: Dispute, actor, note: str, policy) -> Dispute:
    dispute = _lock_dispute(dispute)
    DISPUTE_WORKFLOW.check(dispute, DisputeStatus.REVERSED)
    disputed_id = dispute.deal_id
    account_id = dispute.deal.account_id
    _lock_account(account_id)
    # Lock the disputed registration and the account's active holder(s) in one statement, in id order.
    locked = list(
        DealRegistration.objects.select_for_update(of=("self",))
        .filter(Q(pk=disputed_id) | Q(account_id=account_id, status__in=HOLDING_STATUSES, partner__isnull=False))
        .order_by("pk")
    )
    disputed = next(d for d in locked if d.pk == disputed_id)
    holders = [d for d in locked if d.pk != disputed_id]
    if not is_disputable(disputed):
        raise Conflict(_("This registration is no longer a rejected conflict."), code="not_disputable")
    if any(h.partner_id == disputed.partner_id for h in holders):
        raise Conflict(
            _("The partner's own registration now holds this customer; nothing to reverse."),
            code="already_held_by_partner",
        )
    now = timezone.now()
    today = timezone.localdate(now)
    holder = holders[0] if holders else None
    for lost in holders:
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
            extra_fields=["reason", "decision_note", "decided_at", "decided_by", "protected_until", "updated_at"],
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
            payload=deal_payload(lost, message=outcome_message(lost), dispute_id=dispute.pk),
        )
    disputed = DealRegistration.objects.select_related("partner__tier").get(pk=disputed_id)
    disputed.reason = DealReason.DISPUTE_REVERSED
    disputed.protected_until = today + timedelta(days=protection_days_for(disputed.partner, policy))
    disputed.policy_version = policy
    disputed.decided_at, disputed.decided_by = now, actor
    disputed.decision_note = note
    REVERSAL_WORKFLOW.apply(
        disputed,
        DealStatus.APPROVED,
        actor=actor,
        action="dispute_reverse",
        reason=note,
        extra_fields=[
            "reason",
            "protected_until",
            "policy_version",
            "decided_at",
            "decided_by",
            "decision_note",
            "updated_at",
        ],
    )
    record_event(
        "deal.approved",
        actor=actor,
        partner=disputed.partner,
        subject=disputed,
        payload=deal_payload(disputed, dispute_id=dispute.pk),
    )
    dispute.holder = holder
    _decided(dispute, status=DisputeStatus.REVERSED, actor=actor, note=note, action="reverse")
    return dispute


__all__ = [
    "MAX_FILES",
    "is_disputable",
    "may_decide",
    "open_dispute",
    "protection_days_for",
    "require_may_decide",
    "require_may_open",
    "reverse_dispute",
    "uphold_dispute",
]
