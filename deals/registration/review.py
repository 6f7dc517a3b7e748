"""A channel manager's decisions on registrations (rules 3 and 5): approve, reject, accept as influence."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from deals.influence import record_influence
from deals.models import DEAL_WORKFLOW, Account, DealReason, DealRegistration, DealSource, DealStatus, InfluenceKind
from deals.payloads import deal_payload
from deals.registration import decision as engine
from deals.registration.outcome import outcome_message
from policy.selectors import policy_at
from prm.events import record_event
from prm.exceptions import TransitionNotAllowed


def approve_deal(*, deal: DealRegistration, actor, note: str = "") -> DealRegistration:
    """Approve a registration: protected from today for the protection days the rules-of-engagement version
    in force gives the partner's tier; the registration records that version."""
    access.require(actor, "deals.approve")
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        DEAL_WORKFLOW.check(deal, DealStatus.APPROVED)
        now = timezone.now()
        policy = policy_at(now)
        deal.protected_until = engine.approval_protected_until(policy, deal.partner.tier_id, timezone.localdate(now))
        deal.decided_at, deal.decided_by, deal.decision_note = now, actor, note or ""
        deal.policy_version = policy
        DEAL_WORKFLOW.apply(
            deal,
            DealStatus.APPROVED,
            actor=actor,
            action="approve",
            reason=note,
            extra_fields=["protected_until", "decided_at", "decided_by", "decision_note", "policy_version"],
        )
        record_event("deal.approved", actor=actor, partner=deal.partner, subject=deal, payload=deal_payload(deal))
    return deal


def _close_unprotected(deal: DealRegistration, actor, reason_code, decision_note: str, action: str, note):
    """Lock the registration and move it to rejected with the decision's reason code, note and policy."""
    deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
    DEAL_WORKFLOW.check(deal, DealStatus.REJECTED)
    deal.reason, deal.decision_note = reason_code, decision_note
    deal.decided_at, deal.decided_by = timezone.now(), actor
    deal.policy_version = policy_at(deal.decided_at)
    DEAL_WORKFLOW.apply(
        deal,
        DealStatus.REJECTED,
        actor=actor,
        action=action,
        reason=note,
        extra_fields=["reason", "decision_note", "decided_at", "decided_by", "policy_version"],
    )
    return deal


def reject_deal(*, deal: DealRegistration, actor, reason: str) -> DealRegistration:
    access.require(actor, "deals.reject")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the registration is rejected.")]})
    with transaction.atomic():
        deal = _close_unprotected(deal, actor, DealReason.REVIEW_REJECTED, reason.strip(), "reject", reason)
        record_event(
            "deal.rejected",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(deal, message=outcome_message(deal)),
        )
    return deal


def direct_deal_for(account: Account, *, template: DealRegistration, actor) -> DealRegistration:
    """The open direct deal on an account, created from a registration's figures if there is none."""
    existing = (
        DealRegistration.objects.filter(account=account, source=DealSource.DIRECT, status=DealStatus.APPROVED)
        .order_by("id")
        .first()
    )
    if existing:
        return existing
    deal = DealRegistration.objects.create(
        partner=None,
        source=DealSource.DIRECT,
        account=account,
        registered_by=actor,
        customer_name=account.name,
        customer_domain=account.domain,
        customer_country=account.country,
        product=template.product,
        deal_type=template.deal_type,
        amount=template.amount,
        currency=template.currency,
        expected_close_date=template.expected_close_date,
    )
    DEAL_WORKFLOW.apply(deal, DealStatus.APPROVED, actor=actor, action="open_direct_deal")
    return deal


def accept_as_influence(*, deal: DealRegistration, actor, note: str = "") -> DealRegistration:
    """Rule 3: a direct account's registration closed without protection; the partner's part is
    recorded as influence (active in sale) on the account's direct deal."""
    access.require(actor, "deals.decide")
    with transaction.atomic():
        deal = _close_unprotected(deal, actor, DealReason.INFLUENCE_ONLY, note or "", "accept_as_influence", note)
        direct = direct_deal_for(deal.account, template=deal, actor=actor)
        record_influence(deal=direct, partner=deal.partner, kind=InfluenceKind.ACTIVE_IN_SALE, actor=actor, note=note)
        record_event(
            "deal.rejected",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(deal, message=outcome_message(deal), influence_deal_id=direct.pk),
        )
    return deal


def bulk_approve(*, deal_ids, actor) -> int:
    """Approve the clean registrations among `deal_ids` (submitted, no conflict or match to review)."""
    access.require(actor, "deals.approve")
    approved = 0
    clean = DealRegistration.objects.visible_to(actor).filter(
        pk__in=list(deal_ids), status=DealStatus.SUBMITTED, reason=""
    )
    for deal in clean.select_related("partner__tier"):
        try:
            approve_deal(deal=deal, actor=actor)
        except TransitionNotAllowed:
            continue  # decided by someone else meanwhile
        approved += 1
    return approved
