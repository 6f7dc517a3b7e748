"""MDF requests: a partner asks for pre-approval, a channel manager commits funds or refuses."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import access
from deals.models import DealRegistration
from mdf.models import (
    ActivityType,
    ClaimStatus,
    EntryKind,
    FundStatus,
    MdfRequest,
    RequestStatus,
)
from mdf.services.decisions import decider
from mdf.services.ledger import ZERO, clean_reason, lock_holding_funds, lock_open_funds, post_entry
from mdf.services.requesters import require_requester
from prm import formatting, inputs
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict
from prm.money import to_money, validate_currency
from prm.workflow import Workflow

REQUEST_WORKFLOW = Workflow(
    {
        RequestStatus.SUBMITTED: {RequestStatus.APPROVED, RequestStatus.REJECTED},
        RequestStatus.APPROVED: {RequestStatus.COMPLETED, RequestStatus.LAPSED},
    }
)


def submit_request(
    *,
    user,
    activity_type: ActivityType,
    title: str,
    start_date: date,
    end_date: date,
    total_cost: Decimal,
    requested_amount: Decimal,
    description: str = "",
    expected_leads: int | None = None,
    currency: str | None = None,
) -> MdfRequest:
    """A partner asks for pre-approval of an activity (the API doc: dates may be past or future).

    The values come converted and checked (mdf/forms.py RequestForm, mdf/serializers.py MdfRequestInSerializer);
    here only the rules: who may request, an active activity, an end after the start and the activity's
    reimbursable share. `currency` None is the program currency."""
    if not user.partner_id:
        raise PermissionDenied(gettext("You do not belong to a partner."))
    require_requester(user, user.partner_id)
    currency = currency or settings.DEFAULT_CURRENCY
    errors: dict = {}
    if not activity_type.active:
        errors["activity_type"] = [gettext("Choose an activity from the menu.")]
    # Stored values the ledger computes with: a far-future end would overflow the claim deadline (docs/inputs.md),
    # and only ISO 4217 money is held in funds (prm/money.py).
    _check(errors, "start_date", inputs.check_date, start_date)
    _check(errors, "end_date", inputs.check_date, end_date)
    _check(errors, "currency", validate_currency, currency)
    if not errors.keys() & {"start_date", "end_date"} and end_date < start_date:
        errors["end_date"] = [gettext("The activity cannot end before it starts.")]
    share = to_money(total_cost * activity_type.reimbursement_rate)
    if requested_amount > share:
        message = gettext(
            "%(activity)s is reimbursed at %(rate)s of its cost: at most %(share)s for a total cost of %(total)s."
        )
        errors["requested_amount"] = [
            message
            % {
                "activity": activity_type.name,
                "rate": formatting.rate(activity_type.reimbursement_rate),
                "share": formatting.money(share, currency),
                "total": formatting.money(total_cost, currency),
            }
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mdf_request = MdfRequest.objects.create(
            partner_id=user.partner_id,
            activity_type=activity_type,
            title=title,
            description=description,
            start_date=start_date,
            end_date=end_date,
            total_cost=total_cost,
            requested_amount=requested_amount,
            currency=currency,
            expected_leads=expected_leads,
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


def _check(errors: dict, field: str, check, value) -> None:
    try:
        check(value)
    except ValidationError as error:
        errors[field] = error.messages


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


_decide = decider(REQUEST_WORKFLOW, "request", _request_payload)


def approve_request(*, mdf_request, actor, amount: Decimal | None = None) -> MdfRequest:
    """Approve in full or in part, committing funds across the partner's open funds (first expiring first).

    409 `insufficient_funds` when the open funds cannot cover it; checked under the fund row locks.
    """
    access.require(actor, "mdf.approve_request")
    with transaction.atomic():
        mdf_request = MdfRequest.objects.select_for_update().get(pk=mdf_request.pk)
        REQUEST_WORKFLOW.check(mdf_request, RequestStatus.APPROVED)
        if amount is None:
            amount = mdf_request.requested_amount
        elif amount <= 0:
            raise ValidationError({"approved_amount": [gettext("Enter an amount above zero.")]})
        elif amount > mdf_request.requested_amount:
            raise ValidationError(
                {
                    "approved_amount": [
                        gettext("Approve at most the requested %(amount)s.")
                        % {"amount": formatting.money(mdf_request.requested_amount, mdf_request.currency)}
                    ]
                }
            )
        funds = lock_open_funds(mdf_request.partner_id, mdf_request.currency)
        available = sum((fund.available for fund in funds), ZERO)
        if available < amount:
            raise Conflict(
                gettext("The partner's open funds have %(available)s available; %(amount)s cannot be committed.")
                % {
                    "available": formatting.money(available, mdf_request.currency),
                    "amount": formatting.money(amount, mdf_request.currency),
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
        return _decide(
            mdf_request,
            RequestStatus.APPROVED,
            "approve",
            actor=actor,
            partner=mdf_request.partner,
            approved_amount=amount,
        )


def reject_request(*, mdf_request, actor, reason: str) -> MdfRequest:
    access.require(actor, "mdf.reject_request")
    reason = clean_reason(reason)
    with transaction.atomic():
        mdf_request = MdfRequest.objects.select_for_update().get(pk=mdf_request.pk)
        return _decide(
            mdf_request, RequestStatus.REJECTED, "reject", actor=actor, partner=mdf_request.partner, reason=reason
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

    access.require(user, "mdf.link_sourced_deal", mdf_request)
    if deal.partner_id != mdf_request.partner_id:
        raise ValidationError({"deal": [gettext("Choose one of the partner's own deals.")]})
    if mdf_request.status not in (RequestStatus.APPROVED, RequestStatus.COMPLETED):
        raise Conflict(gettext("Only approved or completed MDF activities source deals."), code="request_not_approved")
    with transaction.atomic():
        DealRegistration.objects.filter(pk=deal.pk).update(mdf_request=mdf_request)
        record_audit(actor=user, obj=mdf_request, action="link_deal", changes={"deal": deal.pk})
