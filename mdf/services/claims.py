"""MDF claims: proof of performance, finance's decision and payment from the request's funds."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import access
from mdf.files import check_proof_file, safe_name
from mdf.models import (
    ClaimStatus,
    EntryKind,
    MdfClaim,
    MdfRequest,
    ProofFile,
    RequestStatus,
)
from mdf.services.decisions import decider
from mdf.services.ledger import (
    ZERO,
    claim_hold,
    clean_reason,
    lock_holding_funds,
    move_claimed,
    post_entry,
    split,
)
from mdf.services.requesters import require_requester
from mdf.services.requests import REQUEST_WORKFLOW, release_all
from prm import formatting
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict
from prm.money import to_money
from prm.workflow import Workflow

CLAIM_WORKFLOW = Workflow(
    {
        ClaimStatus.SUBMITTED: {ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.INFO_REQUESTED},
        ClaimStatus.INFO_REQUESTED: {ClaimStatus.SUBMITTED, ClaimStatus.REJECTED},
        ClaimStatus.APPROVED: {ClaimStatus.PAID},
    }
)


def _store_proofs(claim, files, user) -> None:
    for upload in files:
        content_type = check_proof_file(upload)
        upload.name = safe_name(upload.name)
        ProofFile.objects.create(
            claim=claim, file=upload, name=upload.name, content_type=content_type, size=upload.size, uploaded_by=user
        )


def _check_proofs(files, errors: dict, *, required=True) -> None:
    if required and not files:
        errors["proof"] = [gettext("Attach at least one proof file (invoice PDF, photos or an attendee CSV).")]
        return
    messages = []
    for upload in files:
        try:
            check_proof_file(upload)
        except ValidationError as error:
            messages.extend(error.messages)
    if messages:
        errors["proof"] = messages


def submit_claim(
    *,
    user,
    mdf_request,
    actual_cost: Decimal,
    claimed_amount: Decimal,
    files,
    results: str = "",
    leads: int | None = None,
    attendees: int | None = None,
) -> MdfClaim:
    """File proof of performance for an approved request, inside its claim window.

    The values come converted and checked (mdf/forms.py ClaimForm, mdf/serializers.py MdfClaimInSerializer);
    here only the rules: who may claim, the proof files, the request's state and window, the commitment and
    the reimbursable share."""
    require_requester(user, mdf_request.partner_id)
    files = list(files or [])
    errors: dict = {}
    _check_proofs(files, errors)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    with transaction.atomic():
        mdf_request = MdfRequest.objects.select_for_update().select_related("activity_type").get(pk=mdf_request.pk)
        if mdf_request.status != RequestStatus.APPROVED:
            raise Conflict(
                gettext("This request is %(status)s: only approved requests can be claimed.")
                % {"status": str(mdf_request.get_status_display()).lower()},
                code="request_not_approved",
            )
        if today < mdf_request.start_date:
            raise Conflict(
                gettext("Claims open when the activity starts, on %(date)s.")
                % {"date": formatting.day(mdf_request.start_date)},
                code="claim_too_early",
            )
        if today > mdf_request.claim_deadline:
            raise Conflict(
                gettext("The claim deadline was %(date)s.") % {"date": formatting.day(mdf_request.claim_deadline)},
                code="claim_window_closed",
            )
        if mdf_request.claims.exclude(status=ClaimStatus.REJECTED).exists():
            raise Conflict(gettext("This request already has a claim."), code="claim_exists")
        held = lock_holding_funds(mdf_request)
        committed = sum((amount for _, amount in held), ZERO)
        share = to_money(actual_cost * mdf_request.activity_type.reimbursement_rate)
        if claimed_amount > committed:
            errors["claimed_amount"] = [
                gettext("Claim at most the committed %(amount)s.")
                % {"amount": formatting.money(committed, mdf_request.currency)}
            ]
        elif claimed_amount > share:
            errors["claimed_amount"] = [
                gettext("At most %(share)s: %(rate)s of the actual cost.")
                % {
                    "share": formatting.money(share, mdf_request.currency),
                    "rate": formatting.rate(mdf_request.activity_type.reimbursement_rate),
                }
            ]
        if errors:
            raise ValidationError(errors)
        claim = MdfClaim.objects.create(
            request=mdf_request,
            partner_id=mdf_request.partner_id,
            actual_cost=actual_cost,
            claimed_amount=claimed_amount,
            currency=mdf_request.currency,
            results=results,
            leads=leads,
            attendees=attendees,
            submitted_by=user,
        )
        _store_proofs(claim, files, user)
        move_claimed(held, ZERO, claimed_amount)
        record_audit(actor=user, obj=claim, action="submit", to_state=ClaimStatus.SUBMITTED)
        record_event(
            "mdf.claim.submitted", actor=user, partner=mdf_request.partner, subject=claim, payload=_claim_payload(claim)
        )
    return claim


def _claim_payload(claim, **extra) -> dict:
    return {
        "claim_id": claim.pk,
        "request_id": claim.request_id,
        "partner_id": claim.partner_id,
        "status": claim.status,
        "claimed_amount": str(claim.claimed_amount),
        "approved_amount": str(claim.approved_amount) if claim.approved_amount is not None else None,
        "currency": claim.currency,
        "payment_reference": claim.payment_reference or None,
        **extra,
    }


_decide = decider(CLAIM_WORKFLOW, "claim", _claim_payload)


def _locked_claim(claim):
    claim = MdfClaim.objects.select_for_update().get(pk=claim.pk)
    mdf_request = (
        MdfRequest.objects.select_for_update().select_related("activity_type", "partner").get(pk=claim.request_id)
    )
    return claim, mdf_request


def approve_claim(*, claim, actor, amount: Decimal | None = None) -> MdfClaim:
    """Finance approves, by default the claimed amount; never above it, the commitment, or the reimbursable share."""
    access.require(actor, "mdf.approve_claim")
    with transaction.atomic():
        claim, mdf_request = _locked_claim(claim)
        CLAIM_WORKFLOW.check(claim, ClaimStatus.APPROVED)
        errors: dict = {}
        amount = claim.claimed_amount if amount is None else amount
        held = lock_holding_funds(mdf_request)
        committed = sum((a for _, a in held), ZERO)
        share = to_money(claim.actual_cost * mdf_request.activity_type.reimbursement_rate)
        if amount <= 0:
            errors["approved_amount"] = [gettext("Enter an amount above zero.")]
        elif amount > committed:
            errors["approved_amount"] = [
                gettext("At most the committed %(amount)s.") % {"amount": formatting.money(committed, claim.currency)}
            ]
        elif amount > share:
            errors["approved_amount"] = [
                gettext("At most %(share)s: the reimbursable share (%(rate)s) of the actual cost.")
                % {
                    "share": formatting.money(share, claim.currency),
                    "rate": formatting.rate(mdf_request.activity_type.reimbursement_rate),
                }
            ]
        elif amount > claim.claimed_amount:
            errors["approved_amount"] = [
                gettext("At most the claimed %(amount)s.")
                % {"amount": formatting.money(claim.claimed_amount, claim.currency)}
            ]
        if errors:
            raise ValidationError(errors)
        move_claimed(held, claim.claimed_amount, amount)
        return _decide(
            claim, ClaimStatus.APPROVED, "approve", actor=actor, partner=mdf_request.partner, approved_amount=amount
        )


def reject_claim(*, claim, actor, reason: str) -> MdfClaim:
    """Rejected: the claim no longer holds money; the commitment stays for a new claim inside the window."""
    access.require(actor, "mdf.reject_claim")
    reason = clean_reason(reason)
    with transaction.atomic():
        claim, mdf_request = _locked_claim(claim)
        CLAIM_WORKFLOW.check(claim, ClaimStatus.REJECTED)
        held = lock_holding_funds(mdf_request)
        move_claimed(held, claim_hold(claim), ZERO)
        return _decide(claim, ClaimStatus.REJECTED, "reject", actor=actor, partner=mdf_request.partner, reason=reason)


def request_claim_info(*, claim, actor, reason: str) -> MdfClaim:
    access.require(actor, "mdf.question_claim")
    reason = clean_reason(reason)
    with transaction.atomic():
        claim, mdf_request = _locked_claim(claim)
        return _decide(
            claim,
            ClaimStatus.INFO_REQUESTED,
            "request_info",
            actor=actor,
            partner=mdf_request.partner,
            reason=reason,
            stamp=False,
        )


def answer_claim_info(*, claim, user, note: str, files=()) -> MdfClaim:
    """The partner answers finance's question (and may add files); the claim goes back to finance."""
    require_requester(user, claim.partner_id)
    note = clean_reason(note, "note")
    files = list(files or [])
    errors: dict = {}
    _check_proofs(files, errors, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        claim, mdf_request = _locked_claim(claim)
        CLAIM_WORKFLOW.check(claim, ClaimStatus.SUBMITTED)
        claim.results = f"{claim.results}\n\n{timezone.localdate()}: {note}".strip()
        _store_proofs(claim, files, user)
        CLAIM_WORKFLOW.apply(
            claim, ClaimStatus.SUBMITTED, actor=user, action="answer_info", reason=note, extra_fields=["results"]
        )
        record_event(
            "mdf.claim.submitted",
            actor=user,
            partner=mdf_request.partner,
            subject=claim,
            payload=_claim_payload(claim, resubmitted=True),
        )
    return claim


def pay_claim(*, claim, actor, payment_reference: str) -> MdfClaim:
    """Pay the approved amount from the request's funds and release the rest of its commitment; once only."""
    access.require(actor, "mdf.pay_claim")
    payment_reference = (payment_reference or "").strip()
    if not payment_reference:
        raise ValidationError({"payment_reference": [gettext("Enter the payment reference.")]})
    with transaction.atomic():
        claim, mdf_request = _locked_claim(claim)
        CLAIM_WORKFLOW.check(claim, ClaimStatus.PAID)
        held = lock_holding_funds(mdf_request)
        move_claimed(held, claim.approved_amount, ZERO)
        rest, held_by_fund = [], {fund.pk: amount for fund, amount in held}
        for fund, part in split(claim.approved_amount, held):
            if part > 0:
                post_entry(
                    fund,
                    EntryKind.PAYMENT,
                    part,
                    actor=actor,
                    request=mdf_request,
                    claim=claim,
                    reference=payment_reference[:200],
                )
            rest.append((fund, held_by_fund[fund.pk] - part))
        release_all(mdf_request, rest, actor=actor, reference=f"claim:{claim.pk} paid")
        claim.payment_reference = payment_reference[:120]
        claim.paid_at = timezone.now()
        CLAIM_WORKFLOW.apply(
            claim, ClaimStatus.PAID, actor=actor, action="pay", extra_fields=["payment_reference", "paid_at"]
        )
        REQUEST_WORKFLOW.apply(mdf_request, RequestStatus.COMPLETED, actor=actor, action="complete")
        record_event(
            "mdf.claim.paid", actor=actor, partner=mdf_request.partner, subject=claim, payload=_claim_payload(claim)
        )
    return claim
