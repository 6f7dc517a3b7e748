"""MDF requests: a partner asks for pre-approval, a channel manager commits funds or refuses."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from accounts import access
from mdf.models import (
    ActivityType,
    ClaimStatus,
    EntryKind,
    FundStatus,
    MdfRequest,
    RequestStatus,
)
from mdf.services.decisions import decide
from mdf.services.ledger import ZERO, clean_amount, clean_reason, lock_holding_funds, lock_open_funds, post_entry
from mdf.services.requesters import require_requester
from prm import inputs
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict
from prm.money import CURRENCY_MESSAGE, is_currency, to_money
from prm.workflow import Workflow

REQUEST_WORKFLOW = Workflow(
    {
        RequestStatus.SUBMITTED: {RequestStatus.APPROVED, RequestStatus.REJECTED},
        RequestStatus.APPROVED: {RequestStatus.COMPLETED, RequestStatus.LAPSED},
    }
)


def submit_request(*, user, data: dict) -> MdfRequest:
    """A partner asks for pre-approval of an activity (docs/api.md: dates may be past or future)."""
    if not user.partner_id:
        raise PermissionDenied(gettext("You do not belong to a partner."))
    require_requester(user, user.partner_id)
    errors: dict = {}
    activity = data.get("activity_type")
    if not isinstance(activity, ActivityType):
        activity = ActivityType.objects.filter(pk=activity, active=True).first() if str(activity).isdigit() else None
    if activity is None or not activity.active:
        errors["activity_type"] = [gettext("Choose an activity from the menu.")]
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = [gettext("This field is required.")]
    # Bounded dates (docs/inputs.md): a far-future end would overflow the claim deadline after saving.
    start = inputs.clean_date(data.get("start_date"), "start_date", errors, required=True)
    end = inputs.clean_date(data.get("end_date"), "end_date", errors, required=True)
    if start is not None and end is not None and end < start:
        errors["end_date"] = [gettext("The activity cannot end before it starts.")]
    total = clean_amount(data.get("total_cost"), "total_cost", errors)
    requested = clean_amount(data.get("requested_amount"), "requested_amount", errors)
    if activity is not None and total and requested:
        share = to_money(total * activity.reimbursement_rate)
        if requested > share:
            message = gettext(
                "%(activity)s is reimbursed at %(rate)s %% of its cost: "
                "at most %(share)s for a total cost of %(total)s."
            )
            errors["requested_amount"] = [
                message
                % {
                    "activity": activity.name,
                    "rate": f"{activity.reimbursement_rate * 100:.0f}",
                    "share": number_format(share),
                    "total": number_format(total),
                }
            ]
    currency = (data.get("currency") or settings.DEFAULT_CURRENCY).strip().upper()
    if not is_currency(currency):  # one ISO 4217 list for every app (prm/money.py)
        errors["currency"] = [str(CURRENCY_MESSAGE)]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mdf_request = MdfRequest.objects.create(
            partner_id=user.partner_id,
            activity_type=activity,
            title=title[:200],
            description=(data.get("description") or "").strip(),
            start_date=start,
            end_date=end,
            total_cost=total,
            requested_amount=requested,
            currency=currency,
            expected_leads=data.get("expected_leads"),
            requested_by=user,
        )
        record_audit(actor=user, obj=mdf_request, action="submit", to_state=RequestStatus.SUBMITTED)
        record_event(
            "mdf.request.submitted",
            actor=user,
            partner=user.partner,
            subject=mdf_request,
            payload=_request_payload(mdf_request),
        )
    return mdf_request


def _request_payload(mdf_request, **extra) -> dict:
    return {
        "request_id": mdf_request.pk,
        "partner_id": mdf_request.partner_id,
        "title": mdf_request.title,
        "status": mdf_request.status,
        "requested_amount": str(mdf_request.requested_amount),
        "approved_amount": str(mdf_request.approved_amount) if mdf_request.approved_amount is not None else None,
        "currency": mdf_request.currency,
        "start_date": mdf_request.start_date.isoformat(),
        "end_date": mdf_request.end_date.isoformat(),
        **extra,
    }


def approve_request(*, mdf_request, actor, amount=None) -> MdfRequest:
    """Approve in full or in part, committing funds across the partner's open funds (first expiring first).

    409 `insufficient_funds` when the open funds cannot cover it; checked under the fund row locks.
    """
    access.require(actor, "mdf.approve_request")
    with transaction.atomic():
        mdf_request = MdfRequest.objects.select_for_update().get(pk=mdf_request.pk)
        REQUEST_WORKFLOW.check(mdf_request, RequestStatus.APPROVED)
        errors: dict = {}
        if amount in (None, ""):
            amount = mdf_request.requested_amount
        else:
            amount = clean_amount(amount, "approved_amount", errors)
            if amount is not None and amount > mdf_request.requested_amount:
                errors["approved_amount"] = [
                    gettext("Approve at most the requested %(amount)s.")
                    % {"amount": number_format(mdf_request.requested_amount)}
                ]
        if errors:
            raise ValidationError(errors)
        funds = lock_open_funds(mdf_request.partner_id, mdf_request.currency)
        available = sum((fund.available for fund in funds), ZERO)
        if available < amount:
            raise Conflict(
                gettext(
                    "The partner's open funds have %(available)s %(currency)s available; "
                    "%(amount)s cannot be committed."
                )
                % {
                    "available": number_format(available),
                    "currency": mdf_request.currency,
                    "amount": number_format(amount),
                },
                code="insufficient_funds",
            )
        rest = amount
        for fund in funds:
            take = min(rest, fund.available)
            if take > 0:
                post_entry(
                    fund,
                    EntryKind.COMMITMENT,
                    take,
                    actor=actor,
                    request=mdf_request,
                    reference=f"request:{mdf_request.pk}",
                )
                rest -= take
        return decide(
            REQUEST_WORKFLOW,
            mdf_request,
            RequestStatus.APPROVED,
            actor=actor,
            action="approve",
            event="mdf.request.approved",
            partner=mdf_request.partner,
            payload_of=_request_payload,
            approved_amount=amount,
        )


def reject_request(*, mdf_request, actor, reason: str) -> MdfRequest:
    access.require(actor, "mdf.reject_request")
    reason = clean_reason(reason)
    with transaction.atomic():
        mdf_request = MdfRequest.objects.select_for_update().get(pk=mdf_request.pk)
        return decide(
            REQUEST_WORKFLOW,
            mdf_request,
            RequestStatus.REJECTED,
            actor=actor,
            action="reject",
            event="mdf.request.rejected",
            partner=mdf_request.partner,
            payload_of=_request_payload,
            reason=reason,
            decision_reason=reason,
        )


def release_all(mdf_request, held, *, actor, reference: str) -> None:
    """Give back what the request still holds; money released into an expired fund expires with it."""
    for fund, amount in held:
        if amount > 0:
            post_entry(fund, EntryKind.RELEASE, amount, actor=actor, request=mdf_request, reference=reference)
            if fund.status == FundStatus.EXPIRED:
                post_entry(fund, EntryKind.EXPIRY, amount, reference=f"{reference}:after-expiry")


def release_lapsed_request(*, request_id: int, today: date | None = None) -> bool:
    """An approved request whose claim window closed without a live claim gives its commitment back."""
    today = today or timezone.localdate()
    with transaction.atomic():
        mdf_request = MdfRequest.objects.select_for_update().filter(pk=request_id).first()
        if mdf_request is None or mdf_request.status != RequestStatus.APPROVED or mdf_request.claim_deadline >= today:
            return False
        if mdf_request.claims.exclude(status=ClaimStatus.REJECTED).exists():
            return False
        held = lock_holding_funds(mdf_request)
        release_all(mdf_request, held, actor=None, reference=f"lapsed:{mdf_request.pk}")
        REQUEST_WORKFLOW.apply(
            mdf_request,
            RequestStatus.LAPSED,
            actor=None,
            action="lapse",
            reason="The claim window closed without a claim.",
        )
    return True


def lapsed_requests(today: date):
    return MdfRequest.objects.filter(
        status=RequestStatus.APPROVED,
        end_date__lt=today - timedelta(days=settings.MDF_CLAIM_WINDOW_DAYS),
    ).values_list("pk", flat=True)


# --- MDF return ----------------------------------------------------------------------------------------


def link_sourced_deal(*, user, mdf_request, deal) -> None:
    """Name the MDF activity that sourced a deal of the same partner (pipeline and bookings per MDF dollar)."""
    from deals.models import DealRegistration

    access.require(user, "mdf.link_sourced_deal", mdf_request)
    if deal.partner_id != mdf_request.partner_id:
        raise ValidationError({"deal": [gettext("Choose one of the partner's own deals.")]})
    if mdf_request.status not in (RequestStatus.APPROVED, RequestStatus.COMPLETED):
        raise Conflict(gettext("Only approved or completed MDF activities source deals."), code="request_not_approved")
    with transaction.atomic():
        DealRegistration.objects.filter(pk=deal.pk).update(mdf_request=mdf_request)
        record_audit(actor=user, obj=mdf_request, action="link_deal", changes={"deal": deal.pk})
