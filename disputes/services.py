"""Every write of disputes (docs/disputes.md). One transaction each; permission and state checks, audit rows
and events live here so pages, the API and the demo obey the same rules.

Reversal re-decides both registrations through deal registration's own service
(deals.registration.reversal.reverse_conflict): only deals writes deal rows.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from deals.models import DealRegistration
from deals.registration.reversal import is_rejected_conflict, reverse_conflict
from disputes.files import MAX_FILES, check_file, check_files, safe_name
from disputes.models import DISPUTE_WORKFLOW, Dispute, DisputeFile, DisputeStatus
from policy.selectors import current_policy
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict
from sla.clock import due_at as sla_due_at

DEFAULT_SLA_BUSINESS_DAYS = 5
REASON_MAX = 5000
NOTE_MAX = 2000


def sla_business_days() -> int:
    return int(getattr(settings, "DISPUTE_SLA_BUSINESS_DAYS", DEFAULT_SLA_BUSINESS_DAYS))


# --- checks ----------------------------------------------------------------------------------------


def require_may_open(user, deal: DealRegistration) -> None:
    """The partner's admin or the user who registered the deal (403 for anyone else who can see it)."""
    access.require(user, "disputes.dispute_own_deal", deal)
    access.require(user, "disputes.open", deal, standing=False)


def may_decide(user, dispute: Dispute) -> bool:
    return access.can(user, "disputes.decide", dispute)


def require_may_decide(user, dispute: Dispute) -> None:
    """The partner's channel manager (any channel manager when it has none) or a program admin."""
    access.require(user, "disputes.decide", dispute)


def is_disputable(deal: DealRegistration) -> bool:
    return is_rejected_conflict(deal)


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


def reverse_dispute(*, dispute: Dispute, actor, note: str = "") -> Dispute:
    """Reverse the decision: the registration holding the customer loses (rejected, reason
    dispute_reversed) and the disputed one is approved with protection from today under the current
    policy. Both deals are locked; the holder is demoted first, so the one-active-holder constraint
    holds throughout. deal.rejected / deal.approved events let receipts issue new receipts to both."""
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


def _reverse(*, dispute: Dispute, actor, note: str, policy) -> Dispute:
    dispute = _lock_dispute(dispute)
    DISPUTE_WORKFLOW.check(dispute, DisputeStatus.REVERSED)
    dispute.holder = reverse_conflict(
        deal_id=dispute.deal_id, actor=actor, note=note, policy=policy, dispute_id=dispute.pk
    )
    _decided(dispute, status=DisputeStatus.REVERSED, actor=actor, note=note, action="reverse")
    return dispute


__all__ = [
    "MAX_FILES",
    "is_disputable",
    "may_decide",
    "open_dispute",
    "require_may_decide",
    "require_may_open",
    "reverse_dispute",
    "uphold_dispute",
]
