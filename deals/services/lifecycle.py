"""A deal's life after the decision (rule 6): won, lost, reopened, extended, expired, reminded."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from deals.models import DEAL_WORKFLOW, DealRegistration, DealReminder, DealStatus, ExtensionStatus
from deals.payloads import deal_payload
from deals.registration.protection import expire
from partners.models import PartnerStatus
from policy.selectors import policy_at
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import TransitionNotAllowed


def registered_on(deal: DealRegistration):
    """The day the deal was registered: submitted for approval, or created when it never was (direct deals)."""
    return timezone.localdate(deal.submitted_at or deal.created_at)


def mark_won(
    *,
    deal: DealRegistration,
    actor,
    amount: Decimal,
    close_date: date,
    currency: str | None = None,
    close_date_reason: str = "",
) -> DealRegistration:
    """Won: amount (Decimal, not negative), currency (ISO 4217; None keeps the deal's) and a close date between
    the registration and today, as WonForm / WonSerializer convert them; only a channel manager sets an
    earlier one, with a reason that is audited (docs/commissions-rules.md: spiffs, contests, plan versions and
    bookings key on the close date). Emits deal.won."""
    access.require(actor, "deals.mark_won", deal)
    amount, when, code, reason = _won_figures(deal, actor, amount, close_date, currency, close_date_reason)
    earliest = registered_on(deal)
    backdated = when < earliest
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        DEAL_WORKFLOW.check(deal, DealStatus.WON)
        deal.amount, deal.close_date, deal.currency = amount, when, code
        DEAL_WORKFLOW.apply(
            deal,
            DealStatus.WON,
            actor=actor,
            action="mark_won",
            reason=reason if backdated else "",
            extra_fields=["amount", "close_date", "currency"],
        )
        if backdated:
            record_audit(
                actor=actor,
                obj=deal,
                action="close_date_before_registration",
                reason=reason,
                changes={"close_date": when.isoformat(), "registered_on": earliest.isoformat()},
            )
        record_event(
            "deal.won",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(
                deal,
                close_date=when.isoformat(),
                source=deal.source,
                account_id=deal.account_id,
                deal_type=deal.deal_type,
            ),
        )
    return deal


def _won_figures(deal, actor, amount, close_date, currency, close_date_reason):
    """The won deal's invariants over the converted figures: the close date between the registration (earlier
    only with the permission and a reason) and today; the amount not negative. Field errors are HTTP 400."""
    errors: dict = {}
    if amount < 0:
        errors["amount"] = [_("The amount cannot be negative.")]
    reason = (close_date_reason or "").strip()
    earliest = registered_on(deal)
    if close_date > timezone.localdate():
        errors["close_date"] = [_("A won deal's close date cannot be in the future.")]
    elif close_date < earliest and not access.can(actor, "deals.backdate_close", deal):
        errors["close_date"] = [
            _("A won deal's close date cannot be before its registration (%(date)s).") % {"date": earliest.isoformat()}
        ]
    elif close_date < earliest and not reason:
        errors["close_date_reason"] = [
            _("Say why the deal closed before its registration (%(date)s).") % {"date": earliest.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    return amount, close_date, currency or deal.currency, reason


def mark_lost(*, deal: DealRegistration, actor, reason: str) -> DealRegistration:
    access.require(actor, "deals.mark_lost", deal)
    with transaction.atomic():
        deal = DEAL_WORKFLOW.apply_with_reason(
            deal,
            DealStatus.LOST,
            actor=actor,
            action="mark_lost",
            reason=reason,
            reason_field="lost_reason",
            missing=_("Say why the deal was lost."),
        )
        record_event(
            "deal.lost", actor=actor, partner=deal.partner, subject=deal, payload=deal_payload(deal, reason=reason)
        )
    return deal


def reopen_deal(*, deal: DealRegistration, actor, reason: str) -> DealRegistration:
    """A won deal back to approved. Commissions and MDF subscribe to deal.reopened to reverse their entries."""
    access.require(actor, "deals.reopen")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the deal is reopened.")]})
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        DEAL_WORKFLOW.check(deal, DealStatus.APPROVED)
        previous_close = deal.close_date
        deal.close_date = None
        DEAL_WORKFLOW.apply(
            deal, DealStatus.APPROVED, actor=actor, action="reopen", reason=reason, extra_fields=["close_date"]
        )
        record_event(
            "deal.reopened",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(
                deal,
                reason=reason,
                close_date=previous_close.isoformat() if previous_close else None,
                source=deal.source,
            ),
        )
    return deal


def request_extension(*, deal: DealRegistration, actor) -> DealRegistration:
    """Ask for the one extension of protection; a channel manager decides (the days are the version's in force
    at that decision, policy.RoePolicy.extension_days)."""
    access.require(actor, "deals.request_extension", deal)
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        if deal.status != DealStatus.APPROVED:
            raise TransitionNotAllowed(
                _("Only an approved deal's protection can be extended."), code="extension_not_approved"
            )
        if deal.extension_status != ExtensionStatus.NONE:
            raise TransitionNotAllowed(
                _("This deal's one extension was already requested."), code="extension_already_requested"
            )
        deal.extension_status = ExtensionStatus.REQUESTED
        deal.save(update_fields=["extension_status", "updated_at"])
        record_audit(actor=actor, obj=deal, action="request_extension")
        record_event(
            "deal.extension_requested", actor=actor, partner=deal.partner, subject=deal, payload=deal_payload(deal)
        )
    return deal


def decide_extension(*, deal: DealRegistration, actor, approve: bool, reason: str = "") -> DealRegistration:
    access.require(actor, "deals.decide_extension")
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        if not deal.extension_awaits_decision:
            raise TransitionNotAllowed(_("No extension request is waiting on this deal."), code="no_extension_request")
        deal.extension_status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        policy = policy_at(timezone.now())
        if approve:
            deal.protected_until = deal.protected_until + timedelta(days=policy.extension_days)
        deal.policy_version = policy
        deal.save(update_fields=["extension_status", "protected_until", "policy_version", "updated_at"])
        record_audit(
            actor=actor,
            obj=deal,
            action="approve_extension" if approve else "decline_extension",
            reason=reason,
            changes={"protected_until": deal.protected_until.isoformat(), "policy_version": policy.version},
        )
        record_event(
            "deal.extension_decided",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(deal, approved=approve),
        )
    return deal


def expire_deal(*, deal_id: int, today: date | None = None) -> bool:
    """Expire one approved deal whose protection has ended; False when there is nothing to do."""
    today = today or timezone.localdate()
    with transaction.atomic():
        deal = (
            DealRegistration.objects.select_for_update(of=("self",))
            .filter(pk=deal_id, status=DealStatus.APPROVED, protected_until__lt=today, partner__isnull=False)
            .select_related("partner")
            .first()
        )
        if deal is None:
            return False
        expire(deal)
    return True


def end_protection_of_partner(*, partner_id: int, reason: str = "") -> int:
    """A terminated partner's open registrations stop protecting their customers (docs/partner-status.md):
    approved ones expire, submitted and pending ones are rejected, each with its audit row and event, so
    another partner's registration of the customer is no longer a conflict. Safe to run twice."""
    reason = reason or "Partner terminated: protection ended."
    ended = 0
    with transaction.atomic():
        deals = list(
            DealRegistration.objects.select_for_update(of=("self",))
            .holding()
            .filter(partner_id=partner_id, partner__status=PartnerStatus.TERMINATED)
            .select_related("partner")
            .order_by("pk")
        )
        for deal in deals:
            if deal.status == DealStatus.APPROVED:
                DEAL_WORKFLOW.apply(deal, DealStatus.EXPIRED, actor=None, action="partner_terminated", reason=reason)
                record_event("deal.expired", partner=deal.partner, subject=deal, payload=deal_payload(deal))
            else:
                DEAL_WORKFLOW.apply(deal, DealStatus.REJECTED, actor=None, action="partner_terminated", reason=reason)
                record_event("deal.rejected", partner=deal.partner, subject=deal, payload=deal_payload(deal))
            ended += 1
    return ended


def due_for_expiry(today: date | None = None):
    today = today or timezone.localdate()
    return DealRegistration.objects.filter(
        status=DealStatus.APPROVED, protected_until__lt=today, partner__isnull=False
    ).values_list("pk", flat=True)


def send_expiry_reminder(*, deal_id: int, today: date | None = None) -> int | None:
    """The tightest reminder due for one deal (14 or 3 days before), sent once per deal, kind and end date."""
    today = today or timezone.localdate()
    with transaction.atomic():
        deal = (
            DealRegistration.objects.select_for_update(of=("self",))
            .filter(pk=deal_id, status=DealStatus.APPROVED, protected_until__gte=today)
            .select_related("partner")
            .first()
        )
        if deal is None:
            return None
        left = (deal.protected_until - today).days
        due = sorted(d for d in settings.DEAL_REMINDER_DAYS if left <= d)
        if not due:
            return None
        sent = set(
            DealReminder.objects.filter(deal=deal, protected_until=deal.protected_until).values_list(
                "days_before", flat=True
            )
        )
        if due[0] in sent:
            return None
        DealReminder.objects.bulk_create(
            [
                DealReminder(deal=deal, days_before=d, protected_until=deal.protected_until)
                for d in due
                if d not in sent
            ],
            ignore_conflicts=True,
        )
        record_event(
            "deal.expiry_reminder", partner=deal.partner, subject=deal, payload=deal_payload(deal, days_before=left)
        )
        return due[0]


def due_for_reminder(today: date | None = None):
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(settings.DEAL_REMINDER_DAYS))
    return DealRegistration.objects.filter(
        status=DealStatus.APPROVED, partner__isnull=False, protected_until__gte=today, protected_until__lte=horizon
    ).values_list("pk", flat=True)
