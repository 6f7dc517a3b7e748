"""Reads of the commissions app, already scoped to the user (partner admins: their own partner)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts import access
from commissions.models import BatchStatus, CommissionEntry, CommissionPlan, EntryStatus, PayoutBatch, RuleKind
from commissions.rules import rule_covers
from partners.models import Partner, Tier
from prm.ageing import ageing
from prm.periods import Period, parse_period, quarter_of
from prm.tenancy import get_visible_or_404

ZERO = Decimal("0.00")


def entry_list(user):
    return CommissionEntry.objects.visible_to(user).select_related("partner", "deal", "batch")


def batch_list(user):
    return PayoutBatch.objects.visible_to(user).select_related("partner", "created_by", "submitted_by", "approved_by")


def partner_for(user, partner_id) -> Partner:
    """The partner a statement is about: a partner admin's own (or 404 for another); internal: any."""
    if partner_id in (None, ""):
        if access.is_partner_user(user) and user.partner_id:
            partner_id = user.partner_id
        else:
            raise Http404
    return get_visible_or_404(Partner, user, pk=partner_id)


@dataclass
class Statement:
    partner: Partner
    period: Period
    currency: str
    lines: list
    currencies: list = field(default_factory=list)

    @property
    def totals(self) -> dict:
        earned = sum((line.amount for line in self.lines), ZERO)
        approved = sum(
            (line.amount for line in self.lines if line.status in (EntryStatus.APPROVED, EntryStatus.BATCHED)), ZERO
        )
        paid = sum((line.amount for line in self.lines if line.status == EntryStatus.PAID), ZERO)
        return {"earned": earned, "approved": approved, "paid": paid, "outstanding": earned - paid}


def statement(user, *, partner_id=None, period_key: str, currency: str = "") -> Statement:
    """A partner's entries earned in the period, in one currency (the only one used, else the default).

    Totals: earned (all lines), approved (approved, not yet paid), paid, outstanding (earned - paid)."""
    if access.is_partner_user(user) and not access.is_partner_admin(user):  # earnings are the admins'
        raise Http404
    partner = partner_for(user, partner_id)
    period = parse_period(period_key)
    entries = CommissionEntry.objects.visible_to(user).filter(
        partner=partner, earned_on__gte=period.start, earned_on__lt=period.end
    )
    currencies = sorted(set(entries.values_list("currency", flat=True)))
    if not currency:
        currency = currencies[0] if len(currencies) == 1 else settings.DEFAULT_CURRENCY
    lines = list(entries.filter(currency=currency.upper()).select_related("deal").order_by("earned_on", "pk"))
    return Statement(partner=partner, period=period, currency=currency.upper(), lines=lines, currencies=currencies)


def _add_to_totals(totals: dict[str, dict], status: str, currency: str, total) -> None:
    """Adds one (status, currency) sum to its currency's row: pending, approved (approved or batched) or paid."""
    row = totals.setdefault(currency, {"currency": currency, "pending": ZERO, "approved": ZERO, "paid": ZERO})
    key = {EntryStatus.PENDING: "pending", EntryStatus.PAID: "paid"}.get(status)
    if key is None and status in (EntryStatus.APPROVED, EntryStatus.BATCHED):
        key = "approved"
    if key is not None:
        row[key] += total or ZERO


def totals_by_currency(user, partner_id: int) -> list[dict]:
    """A partner's commission totals by status, one row per currency (currency order), never summed
    across currencies: pending, approved (approved or batched, to be paid) and paid (one query)."""
    totals: dict[str, dict] = {}
    rows = (
        CommissionEntry.objects.visible_to(user)
        .filter(partner_id=partner_id)
        .order_by()
        .values_list("status", "currency")
        .annotate(total=Sum("amount"))
        .values_list("status", "currency", "total")
    )
    for status, currency, total in rows:
        _add_to_totals(totals, status, currency, total)
    for row in totals.values():
        for key in ("pending", "approved", "paid"):
            row[key] = row[key].quantize(Decimal("0.01"))
    return [totals[currency] for currency in sorted(totals)]


def earnings(user) -> dict:
    """The partner admin's earnings page: totals by status, paid and earned by month, by deal, next payout."""
    entries = CommissionEntry.objects.visible_to(user).filter(partner_id=user.partner_id)
    program = settings.DEFAULT_CURRENCY
    # Totals per currency, never summed across currencies (docs/fx.md): the cards and the chart show the
    # program currency; any other currency the partner earns in gets its own row (`other_currencies`).
    totals: dict[str, dict] = {}
    for status, currency, total in (
        entries.values_list("status", "currency")
        .annotate(total=Sum("amount"))
        .values_list("status", "currency", "total")
    ):
        _add_to_totals(totals, status, currency, total)
    mine = totals.get(program, {"pending": ZERO, "approved": ZERO, "paid": ZERO})
    months = (
        entries.filter(currency=program)
        .annotate(month=TruncMonth("earned_on"))
        .values("month")
        .annotate(
            paid=Sum("amount", filter=Q(status=EntryStatus.PAID)),
            approved=Sum("amount", filter=Q(status__in=[EntryStatus.APPROVED, EntryStatus.BATCHED])),
            pending=Sum("amount", filter=Q(status=EntryStatus.PENDING)),
        )
        .order_by("month")
    )
    months = list(months)[-12:]
    chart = {
        "labels": [date_format(row["month"], "M Y") for row in months],
        "datasets": [
            {"label": gettext("Paid"), "data": [float(row["paid"] or 0) for row in months]},
            {"label": gettext("Approved"), "data": [float(row["approved"] or 0) for row in months]},
            {"label": gettext("Pending"), "data": [float(row["pending"] or 0) for row in months]},
        ],
    }
    by_deal = (
        entries.filter(deal__isnull=False)
        .values("deal_id", "deal__customer_name", "currency")
        .annotate(
            earned=Sum("amount"),
            paid=Sum("amount", filter=Q(status=EntryStatus.PAID)),
        )
        .order_by("-deal_id")[:50]
    )
    periods = sorted(
        {quarter_of(day).key for day in entries.values_list("earned_on", flat=True).distinct()}, reverse=True
    )
    return {
        "pending": mine["pending"],
        "approved": mine["approved"],
        "paid": mine["paid"],
        "currency": program,
        "other_currencies": [totals[code] for code in sorted(totals) if code != program],
        "chart": chart,
        "by_deal": list(by_deal),
        "periods": periods or [quarter_of(timezone.localdate()).key],
        "next_payout": next_payout_date(),
        "batches": PayoutBatch.objects.visible_to(user).filter(partner_id=user.partner_id)[:10],
    }


def next_payout_date(today: date | None = None) -> date:
    """The monthly batch day (COMMISSION_PAYOUT_DAY) on or after today."""
    today = today or timezone.localdate()
    day = settings.COMMISSION_PAYOUT_DAY
    if today.day <= day:
        return today.replace(day=day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, day)


def owed_vs_paid(user, *, period_key: str | None = None):
    """Finance: per partner (and currency), what was earned, approved, paid and is still owed in a period."""
    entries = CommissionEntry.objects.visible_to(user)
    if period_key:
        period = parse_period(period_key)
        entries = entries.filter(earned_on__gte=period.start, earned_on__lt=period.end)
    return (
        entries.values("partner_id", "partner__name", "currency")
        .annotate(
            earned=Sum("amount"),
            approved=Sum("amount", filter=Q(status__in=[EntryStatus.APPROVED, EntryStatus.BATCHED])),
            paid=Sum("amount", filter=Q(status=EntryStatus.PAID)),
            pending=Sum("amount", filter=Q(status=EntryStatus.PENDING)),
        )
        .order_by("partner__name", "currency")
    )


def finance_panel(user) -> dict:
    entries = CommissionEntry.objects.visible_to(user)
    return {
        "commission_pending": entries.filter(status=EntryStatus.PENDING).count(),
        "commission_ready": entries.filter(status=EntryStatus.APPROVED, batch__isnull=True).count(),
        "commission_batches_draft": PayoutBatch.objects.visible_to(user).filter(status=BatchStatus.DRAFT).count(),
        # Per currency (docs/fx.md): amounts in different currencies are never added together.
        "commission_owed": [
            {"currency": row["currency"], "total": Decimal(row["total"] or 0).quantize(Decimal("0.01"))}
            for row in entries.exclude(status=EntryStatus.PAID)
            .values("currency")
            .annotate(total=Sum("amount"))
            .order_by("currency")
        ],
    }


# --- Program terms: the commission a partner type earns at a tier (docs/program-terms.md) -------------


@dataclass
class CommissionTerms:
    """What a partner of `partner_type` at `tier` earns on a deal won on `day`: the rules of the type's
    active plan that the engine would apply (commissions.rules.rule_covers), or why there are none."""

    partner_type: str
    tier_id: int
    day: date
    plan_name: str = ""
    rules: list = field(default_factory=list)
    # Why nothing is earned: "no_plan" (no plan for the type), "plan_inactive", "no_rule" (the plan has no
    # rule in force for this tier on that day); "" when rules apply.
    reason: str = ""

    @property
    def rate(self) -> Decimal:
        """The share of a won deal's first-year contract value the partner earns (the rate of the ledger entry
        the engine writes); 0 when no percentage rule applies."""
        return sum((rule.rate for rule in self.rules if rule.kind == RuleKind.FIRST_YEAR), Decimal("0"))

    @property
    def earns(self) -> bool:
        return bool(self.rules)


def commission_terms_table(partner_types, tiers, on: date | None = None) -> dict:
    """{(partner type, tier id): CommissionTerms} for every pair, with one query for plans and rules."""
    day = on or timezone.localdate()
    ranks = dict(Tier.objects.values_list("id", "rank"))
    plans = {plan.partner_type: plan for plan in CommissionPlan.objects.prefetch_related("rules")}
    table = {}
    for partner_type in partner_types:
        plan = plans.get(partner_type)
        for tier in tiers:
            terms = CommissionTerms(partner_type=partner_type, tier_id=tier.pk, day=day)
            if plan is None:
                terms.reason = "no_plan"
            elif not plan.active:
                terms.plan_name, terms.reason = plan.name, "plan_inactive"
            else:
                terms.plan_name = plan.name
                terms.rules = [
                    rule
                    for rule in sorted(plan.rules.all(), key=lambda r: (r.kind, r.valid_from, r.pk))
                    if rule_covers(rule, tier_rank=ranks[tier.pk], day=day, ranks=ranks)
                ]
                terms.reason = "" if terms.rules else "no_rule"
            table[(partner_type, tier.pk)] = terms
    return table


def commission_terms(partner_type: str, tier, on: date | None = None) -> CommissionTerms:
    """The commission rate for a partner type and tier on a date (default today), as the engine applies it."""
    return commission_terms_table([partner_type], [tier], on)[(partner_type, tier.pk)]


def partner_ids_with_currency(currency: str) -> set[int]:
    """Partners with a commission entry in `currency` (their KPIs convert it)."""
    rows = CommissionEntry.objects.filter(currency=currency, partner_id__isnull=False).order_by()
    return set(rows.values_list("partner_id", flat=True).distinct())


def approval_queues() -> dict:
    """The finance home's queues, aged per currency (prm/ageing.py): commission entries pending approval and
    draft payout batches awaiting a second approval."""
    return {
        "entries": ageing(CommissionEntry.objects.filter(status=EntryStatus.PENDING), amount="amount"),
        "batches": ageing(PayoutBatch.objects.filter(status=BatchStatus.DRAFT), amount="total"),
    }
