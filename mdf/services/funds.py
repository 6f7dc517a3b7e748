"""Discretionary allocations, the activity menu, and the expiry of unspent funds."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import access
from mdf.models import (
    ActivityType,
    EntryKind,
    Fund,
    FundEntry,
    FundStatus,
    default_reimbursement_rate,
)
from mdf.services.ledger import clean_amount, fund_for, post_entry
from prm.audit import record_audit
from prm.events import record_event
from prm.money import CURRENCY_MESSAGE, is_currency
from prm.periods import parse_period


def allocate_funds(
    *, partner, actor, amount, reason: str, currency: str | None = None, period: str | None = None
) -> FundEntry:
    """A program admin adds discretionary MDF to the partner's fund of the current (or a named, later) period."""
    access.require(actor, "mdf.allocate_funds")
    errors: dict = {}
    amount = clean_amount(amount, "amount", errors)
    if not (reason or "").strip():
        errors["reason"] = [gettext("Say why these funds are allocated.")]
    day = timezone.localdate()
    if period:
        try:
            named = parse_period(period)
        except ValueError as error:
            errors["period"] = [str(error)]
        else:
            if named.end <= day:
                errors["period"] = [gettext("Allocate to the current period or a later one.")]
            day = max(day, named.start)
    currency = (currency or settings.DEFAULT_CURRENCY).strip().upper()
    if not is_currency(currency):  # one ISO 4217 list for every app (prm/money.py)
        errors["currency"] = [str(CURRENCY_MESSAGE)]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fund = fund_for(partner_id=partner.pk, day=day, currency=currency or settings.DEFAULT_CURRENCY)
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
        entry = post_entry(fund, EntryKind.ALLOCATION, amount, actor=actor, reference="allocation", note=reason.strip())
        record_audit(actor=actor, obj=fund, action="allocate", reason=reason.strip(), changes={"amount": str(amount)})
        record_event(
            "mdf.funds.allocated",
            actor=actor,
            partner=partner,
            subject=fund,
            payload={"fund_id": fund.pk, "partner_id": partner.pk, "amount": str(amount), "currency": fund.currency},
        )
    return entry


# --- activity menu -----------------------------------------------------------------------------------


def save_activity_type(
    *,
    actor,
    name: str,
    reimbursement_rate: Decimal | None = None,
    description: str = "",
    proof_required: str = "",
    preapproval_required: bool = True,
    active: bool = True,
    activity_type: ActivityType | None = None,
) -> ActivityType:
    """Creates (or, given `activity_type`, replaces the terms of) an entry of the activity menu, with the values
    ActivityTypeForm / MdfActivityTypeSerializer converted; a rate of None is the program's default. The
    invariants (a unique name, a rate between 0 and 1) are the model's own checks."""
    access.require(actor, "mdf.manage_activities")
    activity_type = activity_type or ActivityType()
    activity_type.name, activity_type.description, activity_type.proof_required = name, description, proof_required
    activity_type.reimbursement_rate = (
        default_reimbursement_rate() if reimbursement_rate is None else reimbursement_rate
    )
    activity_type.preapproval_required, activity_type.active = preapproval_required, active
    activity_type.full_clean()
    with transaction.atomic():
        created = activity_type.pk is None
        activity_type.save()
        record_audit(actor=actor, obj=activity_type, action="create" if created else "update")
    return activity_type


# --- expiry ------------------------------------------------------------------------------------------


def expire_fund(*, fund_id: int, today: date | None = None) -> FundEntry | None:
    """Unspent money of a fund past its expiry date expires, once (the fund is marked expired)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        fund = Fund.objects.select_for_update().filter(pk=fund_id).first()
        if fund is None or fund.status != FundStatus.OPEN or fund.expires_at >= today:
            return None
        entry = None
        if fund.available > 0:
            entry = post_entry(fund, EntryKind.EXPIRY, fund.available, reference="expiry")
        Fund.objects.filter(pk=fund.pk).update(status=FundStatus.EXPIRED)
        fund.status = FundStatus.EXPIRED
        record_audit(actor=None, obj=fund, action="expire", from_state=FundStatus.OPEN, to_state=FundStatus.EXPIRED)
    return entry


def remind_fund_expiry(*, fund_id: int) -> bool:
    """Tell the partner once that unspent MDF is about to expire (claimed with a conditional update)."""
    with transaction.atomic():
        claimed = Fund.objects.filter(
            pk=fund_id, reminder_sent_at__isnull=True, status=FundStatus.OPEN, available__gt=0
        ).update(reminder_sent_at=timezone.now())
        if not claimed:
            return False
        fund = Fund.objects.select_related("partner").get(pk=fund_id)
        record_event(
            "mdf.fund.expiring",
            partner=fund.partner,
            subject=fund,
            payload={
                "fund_id": fund.pk,
                "partner_id": fund.partner_id,
                "period": fund.period,
                "available": str(fund.available),
                "currency": fund.currency,
                "expires_at": fund.expires_at.isoformat(),
            },
        )
    return True


def funds_due_to_expire(today: date):
    return Fund.objects.filter(status=FundStatus.OPEN, expires_at__lt=today).values_list("pk", flat=True)


def funds_due_a_reminder(today: date):
    return Fund.objects.filter(
        status=FundStatus.OPEN,
        reminder_sent_at__isnull=True,
        available__gt=0,
        expires_at__gte=today,
        expires_at__lte=today + timedelta(days=settings.MDF_EXPIRY_REMINDER_DAYS),
    ).values_list("pk", flat=True)
