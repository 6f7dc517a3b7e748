"""Funds and their ledger (docs/fx.md: MDF reversals): a fund's running figures move only with its entries.

Locking: a writer locks the fund rows it moves with `select_for_update`, always in the order
(expires_at, id), and re-checks `available` under the lock; the `mdf_fund_available_not_negative`
constraint stands behind the check, so no interleaving can overdraw a fund.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext

from mdf.models import (
    ENTRY_EFFECTS,
    ClaimStatus,
    EntryKind,
    Fund,
    FundEntry,
    FundStatus,
)
from prm import formatting
from prm.money import to_money
from prm.periods import month_of, quarter_of

ZERO = Decimal("0.00")


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


def post_entry(fund: Fund, kind: str, amount: Decimal, *, actor=None, **refs) -> FundEntry:
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
        post_entry(fund, EntryKind.RECOVERY, min(fund.available, fund.recovery_owed), actor=actor, note="Recovery")
    return entry


def lock_open_funds(partner_id: int, currency: str, *, include=()) -> list[Fund]:
    """The partner's open funds (and any others named), locked in the stable order (expires_at, id)."""
    today = timezone.localdate()
    return list(
        Fund.objects.select_for_update()
        .filter(partner_id=partner_id, currency=currency)
        .filter(Q(status=FundStatus.OPEN, expires_at__gte=today) | Q(pk__in=list(include)))
        .order_by("expires_at", "id")
    )


def request_holdings(mdf_request) -> dict[int, Decimal]:
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


def lock_holding_funds(mdf_request) -> list[tuple[Fund, Decimal]]:
    holdings = request_holdings(mdf_request)
    funds = Fund.objects.select_for_update().filter(pk__in=list(holdings)).order_by("expires_at", "id")
    return [(fund, holdings[fund.pk]) for fund in funds]


def split(amount: Decimal, held: list[tuple[Fund, Decimal]]) -> list[tuple[Fund, Decimal]]:
    """Spread an amount over the request's funds, the one expiring first first."""
    parts, rest = [], amount
    for fund, capacity in held:
        take = min(rest, capacity)
        parts.append((fund, take))
        rest -= take
    return parts


def move_claimed(held, old: Decimal, new: Decimal) -> None:
    """A claim's hold on its request's commitment went from `old` to `new`: move each fund's `claimed`."""
    before = dict((f.pk, a) for f, a in split(old, held))
    for fund, amount in split(new, held):
        delta = amount - before.get(fund.pk, ZERO)
        if delta:
            Fund.objects.filter(pk=fund.pk).update(claimed=F("claimed") + delta)
            fund.claimed += delta


def claim_hold(claim) -> Decimal:
    if claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.INFO_REQUESTED):
        return claim.claimed_amount
    if claim.status == ClaimStatus.APPROVED:
        return claim.approved_amount
    return ZERO


def clean_amount(value, field: str, errors: dict, *, required=True):
    if value in (None, ""):
        if required:
            errors[field] = [gettext("This field is required.")]
        return None
    try:
        amount = to_money(value if isinstance(value, Decimal) else str(value))
    except (TypeError, ValueError):
        errors[field] = [
            gettext("Enter an amount such as %(example)s.") % {"example": formatting.money(Decimal("1250.00"))}
        ]
        return None
    if amount <= 0:
        errors[field] = [gettext("Enter an amount above zero.")]
        return None
    if amount >= Decimal("1e12"):
        errors[field] = [gettext("That amount is too large.")]
        return None
    return amount


def clean_reason(reason, field="reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: [gettext("Say why.")]})
    return reason
