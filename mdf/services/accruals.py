"""Accrual from won deals and its reversal when a deal is reopened (deal.won / deal.reopened)."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Case, DecimalField, F, Sum, When
from django.utils import timezone

from mdf.models import (
    EntryKind,
    Fund,
    FundEntry,
)
from mdf.services.ledger import ZERO, fund_for, lock_open_funds, post_entry
from partners.models import Partner
from prm.events import record_event
from prm.money import to_money


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
        return post_entry(
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
        funds = lock_open_funds(first["fund__partner_id"], first["fund__currency"], include=by_fund)
        outstanding = sum(row["net"] for row in by_fund.values())
        room = {pk: row["net"] for pk, row in by_fund.items()}  # what each own fund may still give back
        # The accrual's own funds first, then the others, each in expiry order.
        for fund in sorted(funds, key=lambda f: (f.pk not in by_fund, f.expires_at, f.pk)):
            take = min(outstanding, fund.available)
            if take > 0:
                entries.append(
                    post_entry(fund, EntryKind.ACCRUAL_REVERSAL, take, note=f"Deal {deal_id} reopened", **refs)
                )
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
                    post_entry(
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
