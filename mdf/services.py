"""Every MDF write (DESIGN.md: MDF; Ledgers, not balances). One transaction each; checks inside.

Locking: a writer locks the fund rows it moves with `select_for_update`, always in the order
(expires_at, id), and re-checks `available` under the lock; the `mdf_fund_available_not_negative`
constraint stands behind the check, so no interleaving can overdraw a fund.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext

from accounts.models import PartnerFunction, Role
from mdf.files import check_proof_file, safe_name
from mdf.models import (
    ENTRY_EFFECTS,
    MDF_ACCESS_SETTING_LABEL,
    ActivityType,
    ClaimStatus,
    EntryKind,
    Fund,
    FundEntry,
    FundStatus,
    MdfClaim,
    MdfRequest,
    MdfRequesters,
    PartnerMdfAccess,
    ProofFile,
    RequestStatus,
)
from partners.models import Partner
from prm import inputs
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict
from prm.guards import require_role as _require
from prm.guards import require_standing
from prm.money import CURRENCY_MESSAGE, is_currency, to_money
from prm.periods import month_of, parse_period, quarter_of
from prm.workflow import Workflow

ZERO = Decimal("0.00")

REQUEST_WORKFLOW = Workflow(
    {
        RequestStatus.SUBMITTED: {RequestStatus.APPROVED, RequestStatus.REJECTED},
        RequestStatus.APPROVED: {RequestStatus.COMPLETED, RequestStatus.LAPSED},
    }
)
CLAIM_WORKFLOW = Workflow(
    {
        ClaimStatus.SUBMITTED: {ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.INFO_REQUESTED},
        ClaimStatus.INFO_REQUESTED: {ClaimStatus.SUBMITTED, ClaimStatus.REJECTED},
        ClaimStatus.APPROVED: {ClaimStatus.PAID},
    }
)


# --- permissions -------------------------------------------------------------------------------------


def mdf_requesters(partner_id) -> str:
    """Who of the partner's users request and claim MDF: everyone unless its admin restricted it."""
    access = PartnerMdfAccess.objects.filter(partner_id=partner_id).only("requesters").first()
    return access.requesters if access is not None else MdfRequesters.EVERYONE


def _admin_who_can_change(partner_id):
    """The partner admin a refused user should ask: the one who restricted MDF access, else any active admin."""
    from accounts.models import User

    admins = User.objects.filter(partner_id=partner_id, role=Role.PARTNER_ADMIN, is_active=True)
    access = PartnerMdfAccess.objects.filter(partner_id=partner_id).first()
    if access is not None and access.changed_by_id:
        chosen = admins.filter(pk=access.changed_by_id).first()
        if chosen is not None:
            return chosen
    return admins.order_by("id").first()


def requester_refusal(user, partner_id=None) -> str:
    """Why `user` may not request or claim MDF for the partner (docs/api.md: MDF access), or "" if they may.

    Every user of the partner may, unless a partner admin restricted it to admins and marketing users in the
    team settings; the refusal then names that setting and the admin who can change it.
    """
    if user is None or not user.is_authenticated or user.role not in (Role.PARTNER_ADMIN, Role.PARTNER_USER):
        return gettext("Only partner users request and claim MDF.")
    if not user.partner_id or (partner_id is not None and user.partner_id != partner_id):
        return gettext("Only the partner's own users request and claim its MDF.")
    if user.role == Role.PARTNER_ADMIN or user.partner_function == PartnerFunction.MARKETING:
        return ""
    if mdf_requesters(user.partner_id) == MdfRequesters.EVERYONE:
        return ""
    admin = _admin_who_can_change(user.partner_id)
    setting = MDF_ACCESS_SETTING_LABEL
    if admin is None:
        return gettext(
            "Your partner limits MDF requests and claims to its admins and marketing users (team setting "
            "“%(setting)s”). A partner admin can change it."
        ) % {"setting": setting}
    return gettext(
        "Your partner admin %(admin)s limited MDF requests and claims to partner admins and marketing users "
        "(team setting “%(setting)s”). Ask %(admin)s to change it."
    ) % {"admin": f"{admin.get_full_name() or admin.email} ({admin.email})", "setting": setting}


def may_request_funds(user) -> bool:
    """Whether `user` may request and claim MDF for their partner (the rule: `requester_refusal`)."""
    return not requester_refusal(user)


def _require_requester(user, partner_id):
    require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    refusal = requester_refusal(user, partner_id)
    if refusal:
        raise PermissionDenied(refusal)


def set_mdf_requesters(*, partner, actor, requesters: str) -> PartnerMdfAccess:
    """The partner's admin chooses who requests and claims MDF: everyone, or admins and marketing users."""
    require_standing(actor)
    if actor is None or actor.role != Role.PARTNER_ADMIN or actor.partner_id != partner.pk:
        raise PermissionDenied(gettext("Only the partner's admins change who requests and claims MDF."))
    if requesters not in MdfRequesters.values:
        raise ValidationError({"requesters": [gettext("Choose who may request and claim MDF.")]})
    with transaction.atomic():
        access, _created = PartnerMdfAccess.objects.select_for_update().get_or_create(partner=partner)
        previous = access.requesters
        access.requesters = requesters
        access.changed_by = actor
        access.changed_at = timezone.now()
        access.save()
        record_audit(actor=actor, obj=access, action="update", from_state=previous, to_state=requesters)
    return access


# --- funds and the ledger -------------------------------------------------------------------------------


def period_of(day: date):
    return month_of(day) if settings.MDF_PERIOD == "month" else quarter_of(day)


def fund_for(*, partner_id: int, day: date, currency: str) -> Fund:
    """The partner's fund of the period holding `day` (created on first use)."""
    period = period_of(day)
    last_day = period.end - timedelta(days=1)
    defaults = {
        "period_start": period.start,
        "period_end": last_day,
        "expires_at": last_day + timedelta(days=settings.MDF_FUND_EXPIRY_DAYS),
    }
    try:
        with transaction.atomic():
            fund, _ = Fund.objects.get_or_create(
                partner_id=partner_id, period=period.key, currency=currency, defaults=defaults
            )
    except IntegrityError:  # created by a concurrent writer between our get and create
        fund = Fund.objects.get(partner_id=partner_id, period=period.key, currency=currency)
    return fund


def _post(fund: Fund, kind: str, amount: Decimal, *, actor=None, **refs) -> FundEntry:
    """Append one entry and move the fund's running figures in the same transaction (fund row locked)."""
    amount = to_money(amount)
    entry = FundEntry.objects.create(
        fund=fund,
        kind=kind,
        amount=amount,
        currency=fund.currency,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **refs,
    )
    effects = ENTRY_EFFECTS[kind]
    Fund.objects.filter(pk=fund.pk).update(**{name: F(name) + sign * amount for name, sign in effects.items()})
    for name, sign in effects.items():
        setattr(fund, name, getattr(fund, name) + sign * amount)
    if effects.get("available", 0) > 0 and fund.recovery_owed > 0 and fund.available > 0:
        # A recovery owed by the fund (a reversed accrual that had been committed) is settled first.
        _post(fund, EntryKind.RECOVERY, min(fund.available, fund.recovery_owed), actor=actor, note="Recovery")
    return entry


def _lock_open_funds(partner_id: int, currency: str, *, include=()) -> list[Fund]:
    """The partner's open funds (and any others named), locked in the stable order (expires_at, id)."""
    today = timezone.localdate()
    return list(
        Fund.objects.select_for_update()
        .filter(partner_id=partner_id, currency=currency)
        .filter(Q(status=FundStatus.OPEN, expires_at__gte=today) | Q(pk__in=list(include)))
        .order_by("expires_at", "id")
    )


def _request_holdings(mdf_request) -> dict[int, Decimal]:
    """What each fund still commits to the request: commitment - release - payment, per fund."""
    rows = (
        FundEntry.objects.filter(
            request=mdf_request, kind__in=[EntryKind.COMMITMENT, EntryKind.RELEASE, EntryKind.PAYMENT]
        )
        .values("fund_id")
        .annotate(
            held=Sum(
                Case(
                    When(kind=EntryKind.COMMITMENT, then=F("amount")),
                    default=-F("amount"),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                )
            )
        )
    )
    return {row["fund_id"]: row["held"] for row in rows if row["held"] > 0}


def _lock_holding_funds(mdf_request) -> list[tuple[Fund, Decimal]]:
    holdings = _request_holdings(mdf_request)
    funds = Fund.objects.select_for_update().filter(pk__in=list(holdings)).order_by("expires_at", "id")
    return [(fund, holdings[fund.pk]) for fund in funds]


def _split(amount: Decimal, held: list[tuple[Fund, Decimal]]) -> list[tuple[Fund, Decimal]]:
    """Spread an amount over the request's funds, the one expiring first first."""
    parts, rest = [], amount
    for fund, capacity in held:
        take = min(rest, capacity)
        parts.append((fund, take))
        rest -= take
    return parts


def _move_claimed(held, old: Decimal, new: Decimal) -> None:
    """A claim's hold on its request's commitment went from `old` to `new`: move each fund's `claimed`."""
    before = dict((f.pk, a) for f, a in _split(old, held))
    for fund, amount in _split(new, held):
        delta = amount - before.get(fund.pk, ZERO)
        if delta:
            Fund.objects.filter(pk=fund.pk).update(claimed=F("claimed") + delta)
            fund.claimed += delta


def _claim_hold(claim) -> Decimal:
    if claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.INFO_REQUESTED):
        return claim.claimed_amount
    if claim.status == ClaimStatus.APPROVED:
        return claim.approved_amount
    return ZERO


def _amount(value, field: str, errors: dict, *, required=True):
    if value in (None, ""):
        if required:
            errors[field] = [gettext("This field is required.")]
        return None
    try:
        amount = to_money(value if isinstance(value, Decimal) else str(value))
    except (TypeError, ValueError):
        errors[field] = [
            gettext("Enter an amount such as %(example)s.") % {"example": number_format(Decimal("1250.00"))}
        ]
        return None
    if amount <= 0:
        errors[field] = [gettext("Enter an amount above zero.")]
        return None
    if amount >= Decimal("1e12"):
        errors[field] = [gettext("That amount is too large.")]
        return None
    return amount


def _reason(reason, field="reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: [gettext("Say why.")]})
    return reason


# --- accrual (deal.won / deal.reopened) ----------------------------------------------------------------


def accrue_for_won_deal(*, event) -> FundEntry | None:
    """Tier rate x won amount into the current period's fund; nothing for tiers without MDF. Once per event.

    The rate is `mdf.selectors.accrual_rate`, the one the program pages show (docs/program-terms.md)."""
    from mdf.selectors import accrual_rate

    payload = event.payload
    partner = Partner.objects.filter(pk=payload.get("partner_id")).first()
    rate = accrual_rate(partner.tier_id) if partner is not None else Decimal("0")
    if not rate:
        return None
    amount = to_money(Decimal(payload["amount"]) * rate)
    if amount <= 0:
        return None
    reference = f"deal.won:{event.pk}"
    if FundEntry.objects.filter(kind=EntryKind.ACCRUAL, reference=reference).exists():
        return None
    currency = payload.get("currency") or settings.DEFAULT_CURRENCY
    with transaction.atomic():
        fund = fund_for(partner_id=partner.pk, day=timezone.localdate(event.created_at), currency=currency)
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
        return _post(
            fund,
            EntryKind.ACCRUAL,
            amount,
            reference=reference,
            deal_id=payload.get("deal_id"),
            note=f"{rate * 100:.2f} % of {payload['amount']} {currency} won",
        )


def reverse_deal_accrual(*, event) -> list[FundEntry]:
    """A reopened deal gives back what it accrued, in full: new entries, never edits.

    The reversal takes what the partner's funds have available (the accrual's own fund first, then the
    other open funds in expiry order: accrual_reversal entries). What was already committed or spent
    cannot be taken without overdrawing: that part becomes a `recovery_owed` entry on the accrual's own
    fund (accrued falls by it, the fund shows it as owed, available never goes below zero), settled from
    money later released or added to that fund (`recovery` entries). Finance hears about it
    (mdf.accrual.shortfall). docs/fx.md: MDF reversals.
    """
    payload = event.payload
    deal_id = payload.get("deal_id")
    reference = f"deal.reopened:{event.pk}"
    if FundEntry.objects.filter(
        kind__in=[EntryKind.ACCRUAL_REVERSAL, EntryKind.RECOVERY_OWED], reference=reference
    ).exists():
        return []
    net = (
        FundEntry.objects.filter(
            deal_id=deal_id, kind__in=[EntryKind.ACCRUAL, EntryKind.ACCRUAL_REVERSAL, EntryKind.RECOVERY_OWED]
        )
        .values("fund_id", "fund__partner_id", "fund__currency")
        .annotate(
            net=Sum(
                Case(
                    When(kind=EntryKind.ACCRUAL, then=F("amount")),
                    default=-F("amount"),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                )
            )
        )
    )
    by_fund = {row["fund_id"]: row for row in net if row["net"] > 0}
    if not by_fund:
        return []
    first = next(iter(by_fund.values()))
    entries = []
    refs = {"reference": reference, "deal_id": deal_id}
    with transaction.atomic():
        funds = _lock_open_funds(first["fund__partner_id"], first["fund__currency"], include=by_fund)
        outstanding = sum(row["net"] for row in by_fund.values())
        room = {pk: row["net"] for pk, row in by_fund.items()}  # what each own fund may still give back
        # The accrual's own funds first, then the others, each in expiry order.
        for fund in sorted(funds, key=lambda f: (f.pk not in by_fund, f.expires_at, f.pk)):
            take = min(outstanding, fund.available)
            if take > 0:
                entries.append(_post(fund, EntryKind.ACCRUAL_REVERSAL, take, note=f"Deal {deal_id} reopened", **refs))
                outstanding -= take
                if fund.pk in room:
                    room[fund.pk] -= take
        owed = outstanding
        for fund in sorted(funds, key=lambda f: (f.expires_at, f.pk)):
            if outstanding <= 0:
                break
            part = min(outstanding, room.get(fund.pk, ZERO))
            if part > 0:
                entries.append(
                    _post(
                        fund,
                        EntryKind.RECOVERY_OWED,
                        part,
                        note=f"Deal {deal_id} reopened: already committed or spent",
                        **refs,
                    )
                )
                outstanding -= part
        if owed > 0:
            record_event(
                "mdf.accrual.shortfall",
                partner=Partner.objects.get(pk=first["fund__partner_id"]),
                payload={
                    "deal_id": deal_id,
                    "unrecovered": str(owed),
                    "recovery_owed": str(owed),
                    "currency": first["fund__currency"],
                },
            )
    return entries


def allocate_funds(
    *, partner, actor, amount, reason: str, currency: str | None = None, period: str | None = None
) -> FundEntry:
    """A program admin adds discretionary MDF to the partner's fund of the current (or a named, later) period."""
    _require(actor, {Role.PROGRAM_ADMIN}, "allocate discretionary funds")
    errors: dict = {}
    amount = _amount(amount, "amount", errors)
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
        entry = _post(fund, EntryKind.ALLOCATION, amount, actor=actor, reference="allocation", note=reason.strip())
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


def save_activity_type(*, actor, data: dict, activity_type: ActivityType | None = None) -> ActivityType:
    _require(actor, {Role.PROGRAM_ADMIN}, "manage the activity menu")
    activity_type = activity_type or ActivityType()
    for field in ("name", "description", "reimbursement_rate", "proof_required", "preapproval_required", "active"):
        if field in data:
            setattr(activity_type, field, data[field])
    activity_type.full_clean()
    with transaction.atomic():
        created = activity_type.pk is None
        activity_type.save()
        record_audit(actor=actor, obj=activity_type, action="create" if created else "update")
    return activity_type


# --- requests ------------------------------------------------------------------------------------------


def submit_request(*, user, data: dict) -> MdfRequest:
    """A partner asks for pre-approval of an activity (docs/api.md: dates may be past or future)."""
    if not user.partner_id:
        raise PermissionDenied(gettext("You do not belong to a partner."))
    _require_requester(user, user.partner_id)
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
    total = _amount(data.get("total_cost"), "total_cost", errors)
    requested = _amount(data.get("requested_amount"), "requested_amount", errors)
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
    _require(actor, {Role.CHANNEL_MANAGER}, "approve MDF requests")
    with transaction.atomic():
        mdf_request = MdfRequest.objects.select_for_update().get(pk=mdf_request.pk)
        REQUEST_WORKFLOW.check(mdf_request, RequestStatus.APPROVED)
        errors: dict = {}
        if amount in (None, ""):
            amount = mdf_request.requested_amount
        else:
            amount = _amount(amount, "approved_amount", errors)
            if amount is not None and amount > mdf_request.requested_amount:
                errors["approved_amount"] = [
                    gettext("Approve at most the requested %(amount)s.")
                    % {"amount": number_format(mdf_request.requested_amount)}
                ]
        if errors:
            raise ValidationError(errors)
        funds = _lock_open_funds(mdf_request.partner_id, mdf_request.currency)
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
                _post(
                    fund,
                    EntryKind.COMMITMENT,
                    take,
                    actor=actor,
                    request=mdf_request,
                    reference=f"request:{mdf_request.pk}",
                )
                rest -= take
        mdf_request.approved_amount = amount
        mdf_request.decided_by = actor
        mdf_request.decided_at = timezone.now()
        REQUEST_WORKFLOW.apply(
            mdf_request,
            RequestStatus.APPROVED,
            actor=actor,
            action="approve",
            extra_fields=["approved_amount", "decided_by", "decided_at"],
        )
        record_event(
            "mdf.request.approved",
            actor=actor,
            partner=mdf_request.partner,
            subject=mdf_request,
            payload=_request_payload(mdf_request),
        )
    return mdf_request


def reject_request(*, mdf_request, actor, reason: str) -> MdfRequest:
    _require(actor, {Role.CHANNEL_MANAGER}, "reject MDF requests")
    reason = _reason(reason)
    with transaction.atomic():
        mdf_request = MdfRequest.objects.select_for_update().get(pk=mdf_request.pk)
        mdf_request.decision_reason = reason
        mdf_request.decided_by = actor
        mdf_request.decided_at = timezone.now()
        REQUEST_WORKFLOW.apply(
            mdf_request,
            RequestStatus.REJECTED,
            actor=actor,
            action="reject",
            reason=reason,
            extra_fields=["decision_reason", "decided_by", "decided_at"],
        )
        record_event(
            "mdf.request.rejected",
            actor=actor,
            partner=mdf_request.partner,
            subject=mdf_request,
            payload=_request_payload(mdf_request, reason=reason),
        )
    return mdf_request


def _release_all(mdf_request, held, *, actor, reference: str) -> None:
    """Give back what the request still holds; money released into an expired fund expires with it."""
    for fund, amount in held:
        if amount > 0:
            _post(fund, EntryKind.RELEASE, amount, actor=actor, request=mdf_request, reference=reference)
            if fund.status == FundStatus.EXPIRED:
                _post(fund, EntryKind.EXPIRY, amount, reference=f"{reference}:after-expiry")


def release_lapsed_request(*, request_id: int, today: date | None = None) -> bool:
    """An approved request whose claim window closed without a live claim gives its commitment back."""
    today = today or timezone.localdate()
    with transaction.atomic():
        mdf_request = MdfRequest.objects.select_for_update().filter(pk=request_id).first()
        if mdf_request is None or mdf_request.status != RequestStatus.APPROVED or mdf_request.claim_deadline >= today:
            return False
        if mdf_request.claims.exclude(status=ClaimStatus.REJECTED).exists():
            return False
        held = _lock_holding_funds(mdf_request)
        _release_all(mdf_request, held, actor=None, reference=f"lapsed:{mdf_request.pk}")
        REQUEST_WORKFLOW.apply(
            mdf_request,
            RequestStatus.LAPSED,
            actor=None,
            action="lapse",
            reason="The claim window closed without a claim.",
        )
    return True


# --- claims --------------------------------------------------------------------------------------------


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


def submit_claim(*, user, mdf_request, data: dict, files) -> MdfClaim:
    """File proof of performance for an approved request, inside its claim window."""
    _require_requester(user, mdf_request.partner_id)
    files = list(files or [])
    errors: dict = {}
    actual = _amount(data.get("actual_cost"), "actual_cost", errors)
    claimed = _amount(data.get("claimed_amount"), "claimed_amount", errors)
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
                % {"date": date_format(mdf_request.start_date, "DATE_FORMAT")},
                code="claim_too_early",
            )
        if today > mdf_request.claim_deadline:
            raise Conflict(
                gettext("The claim deadline was %(date)s.")
                % {"date": date_format(mdf_request.claim_deadline, "DATE_FORMAT")},
                code="claim_window_closed",
            )
        if mdf_request.claims.exclude(status=ClaimStatus.REJECTED).exists():
            raise Conflict(gettext("This request already has a claim."), code="claim_exists")
        held = _lock_holding_funds(mdf_request)
        committed = sum((amount for _, amount in held), ZERO)
        share = to_money(actual * mdf_request.activity_type.reimbursement_rate)
        if claimed > committed:
            errors["claimed_amount"] = [
                gettext("Claim at most the committed %(amount)s %(currency)s.")
                % {"amount": number_format(committed), "currency": mdf_request.currency}
            ]
        elif claimed > share:
            errors["claimed_amount"] = [
                gettext("At most %(share)s: %(rate)s %% of the actual cost.")
                % {"share": number_format(share), "rate": f"{mdf_request.activity_type.reimbursement_rate * 100:.0f}"}
            ]
        if errors:
            raise ValidationError(errors)
        claim = MdfClaim.objects.create(
            request=mdf_request,
            partner_id=mdf_request.partner_id,
            actual_cost=actual,
            claimed_amount=claimed,
            currency=mdf_request.currency,
            results=(data.get("results") or "").strip(),
            leads=data.get("leads"),
            attendees=data.get("attendees"),
            submitted_by=user,
        )
        _store_proofs(claim, files, user)
        _move_claimed(held, ZERO, claimed)
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


def _locked_claim(claim):
    claim = MdfClaim.objects.select_for_update().get(pk=claim.pk)
    mdf_request = (
        MdfRequest.objects.select_for_update().select_related("activity_type", "partner").get(pk=claim.request_id)
    )
    return claim, mdf_request


def approve_claim(*, claim, actor, amount=None) -> MdfClaim:
    """Finance approves, by default the claimed amount; never above it, the commitment, or the reimbursable share."""
    _require(actor, {Role.FINANCE}, "approve MDF claims")
    with transaction.atomic():
        claim, mdf_request = _locked_claim(claim)
        CLAIM_WORKFLOW.check(claim, ClaimStatus.APPROVED)
        errors: dict = {}
        amount = claim.claimed_amount if amount in (None, "") else _amount(amount, "approved_amount", errors)
        held = _lock_holding_funds(mdf_request)
        committed = sum((a for _, a in held), ZERO)
        share = to_money(claim.actual_cost * mdf_request.activity_type.reimbursement_rate)
        if amount is not None:
            if amount > committed:
                errors["approved_amount"] = [
                    gettext("At most the committed %(amount)s %(currency)s.")
                    % {"amount": number_format(committed), "currency": claim.currency}
                ]
            elif amount > share:
                errors["approved_amount"] = [
                    gettext("At most %(share)s %(currency)s: the reimbursable share (%(rate)s %%) of the actual cost.")
                    % {
                        "share": number_format(share),
                        "currency": claim.currency,
                        "rate": f"{mdf_request.activity_type.reimbursement_rate * 100:.0f}",
                    }
                ]
            elif amount > claim.claimed_amount:
                errors["approved_amount"] = [
                    gettext("At most the claimed %(amount)s %(currency)s.")
                    % {"amount": number_format(claim.claimed_amount), "currency": claim.currency}
                ]
        if errors:
            raise ValidationError(errors)
        _move_claimed(held, claim.claimed_amount, amount)
        claim.approved_amount = amount
        claim.decided_by = actor
        claim.decided_at = timezone.now()
        CLAIM_WORKFLOW.apply(
            claim,
            ClaimStatus.APPROVED,
            actor=actor,
            action="approve",
            extra_fields=["approved_amount", "decided_by", "decided_at"],
        )
        record_event(
            "mdf.claim.approved", actor=actor, partner=mdf_request.partner, subject=claim, payload=_claim_payload(claim)
        )
    return claim


def reject_claim(*, claim, actor, reason: str) -> MdfClaim:
    """Rejected: the claim no longer holds money; the commitment stays for a new claim inside the window."""
    _require(actor, {Role.FINANCE}, "reject MDF claims")
    reason = _reason(reason)
    with transaction.atomic():
        claim, mdf_request = _locked_claim(claim)
        CLAIM_WORKFLOW.check(claim, ClaimStatus.REJECTED)
        held = _lock_holding_funds(mdf_request)
        _move_claimed(held, _claim_hold(claim), ZERO)
        claim.decision_reason = reason
        claim.decided_by = actor
        claim.decided_at = timezone.now()
        CLAIM_WORKFLOW.apply(
            claim,
            ClaimStatus.REJECTED,
            actor=actor,
            action="reject",
            reason=reason,
            extra_fields=["decision_reason", "decided_by", "decided_at"],
        )
        record_event(
            "mdf.claim.rejected",
            actor=actor,
            partner=mdf_request.partner,
            subject=claim,
            payload=_claim_payload(claim, reason=reason),
        )
    return claim


def request_claim_info(*, claim, actor, reason: str) -> MdfClaim:
    _require(actor, {Role.FINANCE}, "ask for more information on MDF claims")
    reason = _reason(reason)
    with transaction.atomic():
        claim, mdf_request = _locked_claim(claim)
        claim.decision_reason = reason
        CLAIM_WORKFLOW.apply(
            claim,
            ClaimStatus.INFO_REQUESTED,
            actor=actor,
            action="request_info",
            reason=reason,
            extra_fields=["decision_reason"],
        )
        record_event(
            "mdf.claim.info_requested",
            actor=actor,
            partner=mdf_request.partner,
            subject=claim,
            payload=_claim_payload(claim, reason=reason),
        )
    return claim


def answer_claim_info(*, claim, user, note: str, files=()) -> MdfClaim:
    """The partner answers finance's question (and may add files); the claim goes back to finance."""
    _require_requester(user, claim.partner_id)
    note = _reason(note, "note")
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
    _require(actor, {Role.FINANCE}, "pay MDF claims")
    payment_reference = (payment_reference or "").strip()
    if not payment_reference:
        raise ValidationError({"payment_reference": [gettext("Enter the payment reference.")]})
    with transaction.atomic():
        claim, mdf_request = _locked_claim(claim)
        CLAIM_WORKFLOW.check(claim, ClaimStatus.PAID)
        held = _lock_holding_funds(mdf_request)
        _move_claimed(held, claim.approved_amount, ZERO)
        rest, held_by_fund = [], {fund.pk: amount for fund, amount in held}
        for fund, part in _split(claim.approved_amount, held):
            if part > 0:
                _post(
                    fund,
                    EntryKind.PAYMENT,
                    part,
                    actor=actor,
                    request=mdf_request,
                    claim=claim,
                    reference=payment_reference[:200],
                )
            rest.append((fund, held_by_fund[fund.pk] - part))
        _release_all(mdf_request, rest, actor=actor, reference=f"claim:{claim.pk} paid")
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
            entry = _post(fund, EntryKind.EXPIRY, fund.available, reference="expiry")
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


def lapsed_requests(today: date):
    return MdfRequest.objects.filter(
        status=RequestStatus.APPROVED,
        end_date__lt=today - timedelta(days=settings.MDF_CLAIM_WINDOW_DAYS),
    ).values_list("pk", flat=True)


# --- MDF return ----------------------------------------------------------------------------------------


def link_sourced_deal(*, user, mdf_request, deal) -> None:
    """Name the MDF activity that sourced a deal of the same partner (pipeline and bookings per MDF dollar)."""
    from deals.models import DealRegistration

    require_standing(user)
    if not (user.role in (Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN) or user.partner_id == mdf_request.partner_id):
        raise PermissionDenied(gettext("Only the partner's users or a channel manager link deals to MDF activities."))
    if deal.partner_id != mdf_request.partner_id:
        raise ValidationError({"deal": [gettext("Choose one of the partner's own deals.")]})
    if mdf_request.status not in (RequestStatus.APPROVED, RequestStatus.COMPLETED):
        raise Conflict(gettext("Only approved or completed MDF activities source deals."), code="request_not_approved")
    with transaction.atomic():
        DealRegistration.objects.filter(pk=deal.pk).update(mdf_request=mdf_request)
        record_audit(actor=user, obj=mdf_request, action="link_deal", changes={"deal": deal.pk})
