"""The commission ledger: entries earned from won deals and spiffs, recurring accruals, clawbacks,
adjustments and finance's approval. Keyword-only; one transaction each; audit and events inside."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from commissions.models import (
    ENTRY_WORKFLOW,
    CommissionEntry,
    CommissionRule,
    EntryKind,
    EntryStatus,
    RuleKind,
    Spiff,
)
from commissions.rules import compute_entries_for_deals
from deals.models import DealRegistration, DealStatus
from partners.models import Partner
from prm import messages
from prm.audit import record_audit
from prm.models import AuditEntry
from prm.money import CURRENCY_MESSAGE, is_currency, to_money

# Descriptions, rendered in the reader's language (prm/messages.py); `description` keeps the English text.
CLAWBACK = gettext_lazy("Clawback of entry %(entry)s: the deal was reopened")
ADJUSTMENT = gettext_lazy("Adjustment by finance")


def record_won_deal(*, deal_id: int) -> int:
    """deal.won: one entry per applicable rule and spiff (the same set-based path as the bulk one)."""
    return compute_entries_for_deals([deal_id])


def reconsider_spiffs(*, currency: str, since) -> int:
    """A rate for `currency` from `since` on was recorded: compute the spiff entries of the won deals it
    lets convert (deals in that currency, or any deal when a spiff is in that currency, closed on or after
    `since` inside an active spiff's window). Idempotent like every computation of the engine."""
    spiffs = Spiff.objects.filter(active=True, ends_on__gte=since)
    if not spiffs.exists():
        return 0
    deals = DealRegistration.objects.filter(status=DealStatus.WON, partner__isnull=False, close_date__gte=since)
    if not spiffs.filter(currency=currency).exists():
        deals = deals.filter(currency=currency)
    windows = Q()
    for starts_on, ends_on in spiffs.values_list("starts_on", "ends_on"):
        windows |= Q(close_date__gte=starts_on, close_date__lte=ends_on)
    return compute_entries_for_deals(list(deals.filter(windows).values_list("pk", flat=True)))


def accrue_recurring(*, today=None) -> int:
    """Create the recurring entries of billing periods that have begun; safe to run any number of times."""
    types = set(
        CommissionRule.objects.filter(kind=RuleKind.RECURRING, plan__active=True).values_list(
            "plan__partner_type", flat=True
        )
    )
    if not types:
        return 0
    deal_ids = DealRegistration.objects.filter(status=DealStatus.WON, partner__partner_type__in=types).values_list(
        "pk", flat=True
    )
    return compute_entries_for_deals(list(deal_ids), today=today, recurring_only=True)


def claw_back_deal(*, deal_id: int, reason: str = "", actor=None) -> int:
    """A won deal was reverted: one negative entry for each of its entries not yet clawed back."""
    with transaction.atomic():
        originals = list(
            CommissionEntry.objects.filter(deal_id=deal_id, kind__in=[EntryKind.COMMISSION, EntryKind.SPIFF])
            .exclude(clawbacks__isnull=False)
            .order_by("pk")
        )
        today = timezone.localdate()
        clawbacks = [
            CommissionEntry(
                partner_id=entry.partner_id,
                deal_id=entry.deal_id,
                kind=EntryKind.CLAWBACK,
                rule_id=entry.rule_id,
                spiff_id=entry.spiff_id,
                original=entry,
                cycle=entry.cycle,
                period_key=entry.period_key,
                earned_on=today,
                base_amount=-entry.base_amount,
                rate=entry.rate,
                amount=-entry.amount,
                currency=entry.currency,
                description=f"Clawback of entry {entry.pk}: the deal was reopened",
                description_key=messages.key_of(CLAWBACK),
                description_params={"entry": str(entry.pk)},
                reason=reason,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
            for entry in originals
        ]
        CommissionEntry.objects.bulk_create(clawbacks, ignore_conflicts=True)
    return len(clawbacks)


def add_adjustment(*, actor, partner: Partner, amount, reason: str, currency: str = "", deal=None) -> CommissionEntry:
    """A finance correction (positive or negative) with its reason; it goes through approval like any entry."""
    access.require(actor, "commissions.add_adjustment")
    errors = {}
    try:
        value = to_money(amount)
        if value == 0:
            errors["amount"] = [_("An adjustment cannot be zero.")]
        elif abs(value) >= Decimal("1e12"):
            errors["amount"] = [_("That amount is too large.")]
    except (TypeError, ValueError):
        errors["amount"] = [_("Enter an amount such as 125.00 or -40.00.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the adjustment is made.")]
    if deal is not None and deal.partner_id != partner.pk:
        errors["deal"] = [_("That deal belongs to another partner.")]
    currency = (currency or (deal.currency if deal else settings.DEFAULT_CURRENCY)).strip().upper()
    if not is_currency(currency):  # one ISO 4217 list for every app (prm/money.py)
        errors["currency"] = [str(CURRENCY_MESSAGE)]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = CommissionEntry.objects.create(
            partner=partner,
            deal=deal,
            kind=EntryKind.ADJUSTMENT,
            earned_on=timezone.localdate(),
            base_amount=value,
            amount=value,
            currency=currency,
            description="Adjustment by finance",
            description_key=messages.key_of(ADJUSTMENT),
            reason=reason.strip(),
            created_by=actor,
        )
        record_audit(actor=actor, obj=entry, action="adjust", to_state=entry.status, reason=entry.reason)
    return entry


def approve_entry(*, entry: CommissionEntry, actor) -> CommissionEntry:
    access.require(actor, "commissions.approve_entries")
    with transaction.atomic():
        entry = CommissionEntry.objects.select_for_update().get(pk=entry.pk)
        entry.approved_by, entry.approved_at = actor, timezone.now()
        ENTRY_WORKFLOW.apply(entry, EntryStatus.APPROVED, actor=actor, extra_fields=["approved_by", "approved_at"])
    return entry


def approve_entries(*, entry_ids, actor) -> int:
    """Bulk approval: approves the pending ones among the ids, skips the rest; returns how many."""
    access.require(actor, "commissions.approve_entries")
    with transaction.atomic():
        ids = list(
            CommissionEntry.objects.select_for_update()
            .filter(pk__in=list(entry_ids), status=EntryStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        now = timezone.now()
        CommissionEntry.objects.filter(pk__in=ids, status=EntryStatus.PENDING).update(
            status=EntryStatus.APPROVED, approved_by=actor, approved_at=now
        )
        bulk_audit(ids, actor=actor, action="approved", from_state="pending", to_state="approved")
    return len(ids)


def bulk_audit(entry_ids, *, actor, action, from_state, to_state, reason="") -> None:
    """One audit row per entry, written in bulk (a batch may hold thousands of entries)."""
    if not entry_ids:
        return
    content_type = ContentType.objects.get_for_model(CommissionEntry)
    rows = CommissionEntry.objects.filter(pk__in=entry_ids).values_list(
        "pk", "partner_id", "kind", "amount", "currency"
    )
    label = getattr(actor, "email", "") or "system"
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor if actor is not None and actor.is_authenticated else None,
                actor_label=label,
                content_type=content_type,
                object_id=pk,
                object_label=f"{kind.capitalize()} {amount} {currency} ({pk})",
                action=action,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                partner_id=partner_id,
            )
            for pk, partner_id, kind, amount, currency in rows
        ],
        batch_size=2000,
    )
