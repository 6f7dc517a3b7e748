"""The rules engine: which plan rules and spiffs a won deal earns, and how much, to the cent.

Set-based: `compute_entries_for_deals` loads rules, spiffs, tiers, existing entries and cap usage once per
chunk of deals and bulk-creates the missing entries (`ignore_conflicts` on the unique constraints backs a
racing duplicate). The deal.won subscriber calls the same code for one deal, so one path decides.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from commissions.models import (
    CapPeriod,
    CommissionEntry,
    CommissionRule,
    EntryKind,
    RuleKind,
    Spiff,
    SpiffKind,
)
from deals.models import DealRegistration, DealStatus
from fx.selectors import RateBook
from fx.services import report_missing_rates
from partners.models import Partner, Tier
from prm.messages import key_of, money, nested, params_of, rate_param, verbatim
from prm.money import to_money
from prm.periods import month_of, quarter_of

CHUNK = 5000
MONTHS_PER_YEAR = Decimal(12)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def cap_period_key(rule: CommissionRule, day: date) -> str:
    return (month_of(day) if rule.cap_period == CapPeriod.MONTH else quarter_of(day)).key


@dataclass
class WonDeal:
    id: int
    partner_id: int
    partner_type: str
    tier_rank: int
    amount: Decimal
    currency: str
    close_date: date
    product: str


def rule_covers(rule: CommissionRule, *, tier_rank: int, day: date, ranks: dict[int, int]) -> bool:
    """In force on `day` and for a partner of this tier rank: the test the engine applies to a won deal and the
    commission selector applies to the terms the pages show (docs/program-terms.md)."""
    if not rule.in_force_on(day):
        return False
    if rule.min_tier_id is not None and tier_rank < ranks[rule.min_tier_id]:
        return False
    if rule.max_tier_id is not None and tier_rank > ranks[rule.max_tier_id]:
        return False
    return True


def rule_applies(rule: CommissionRule, deal: WonDeal, ranks: dict[int, int]) -> bool:
    """In force at the close date, for the partner's tier, and in the rule's currency when it names money."""
    if not rule_covers(rule, tier_rank=deal.tier_rank, day=deal.close_date, ranks=ranks):
        return False
    names_money = rule.kind == RuleKind.BOUNTY or rule.cap_per_entry is not None or rule.cap_per_partner_period
    return not names_money or rule.currency == deal.currency


def spiff_applies(spiff: Spiff, deal: WonDeal, ranks: dict[int, int], amount: Decimal | None) -> bool:
    """Eligibility of a spiff (docs/commissions-rules.md): in the window, tier, partner type, product, minimum size.
    A spiff names money (minimum size, flat amount) in its currency: `amount` is the deal's amount in the
    spiff's currency at the close date's rate (fx.selectors; docs/fx.md: Incentives), None without a rate
    (the deal is then not decided yet: finance is alerted and the deal is reconsidered when the rate
    arrives)."""
    if not (spiff.starts_on <= deal.close_date <= spiff.ends_on) or amount is None:
        return False
    if spiff.min_tier_id is not None and deal.tier_rank < ranks[spiff.min_tier_id]:
        return False
    if spiff.partner_types and deal.partner_type not in spiff.partner_types:
        return False
    if spiff.products and deal.product.strip().casefold() not in {p.strip().casefold() for p in spiff.products}:
        return False
    return amount >= spiff.min_deal_amount


def billing_periods_due(rule: CommissionRule, close_date: date, today: date):
    """Start days of the recurring rule's billing periods that have begun by `today` (within the term)."""
    n = 0
    while True:
        elapsed = n * rule.billing_months
        if rule.term_months is not None and elapsed >= rule.term_months:
            return
        start = add_months(close_date, elapsed)
        if start > today:
            return
        yield start
        n += 1


def _won_deals(deal_ids) -> list[WonDeal]:
    rows = (
        DealRegistration.objects.filter(
            pk__in=deal_ids, status=DealStatus.WON, partner__isnull=False, close_date__isnull=False
        )
        .order_by("close_date", "id")
        .values_list(
            "id",
            "partner_id",
            "partner__partner_type",
            "partner__tier__rank",
            "amount",
            "currency",
            "close_date",
            "product",
        )
    )
    return [WonDeal(*row) for row in rows]


def compute_entries_for_deals(deal_ids, *, today: date | None = None, recurring_only: bool = False) -> int:
    """Create every missing ledger entry the given won deals earn; returns how many rows were written.

    Idempotent: an entry that exists (same deal, rule, billing period and win) is never written again."""
    today = today or timezone.localdate()
    deal_ids = sorted(set(deal_ids))
    rules = list(CommissionRule.objects.filter(plan__active=True).select_related("plan"))
    if recurring_only:
        rules = [rule for rule in rules if rule.kind == RuleKind.RECURRING]
    rules_by_type: dict[str, list[CommissionRule]] = defaultdict(list)
    for rule in rules:
        rules_by_type[rule.plan.partner_type].append(rule)
    spiffs = [] if recurring_only else list(Spiff.objects.filter(active=True))
    ranks = dict(Tier.objects.values_list("id", "rank"))
    written = 0
    for start in range(0, len(deal_ids), CHUNK):
        written += _compute_chunk(deal_ids[start : start + CHUNK], rules_by_type, spiffs, ranks, today)
    return written


def _compute_chunk(deal_ids, rules_by_type, spiffs, ranks, today) -> int:
    with transaction.atomic():
        deals = _won_deals(deal_ids)
        if not deals:
            return 0
        ids = [deal.id for deal in deals]
        capped = [rule for rules in rules_by_type.values() for rule in rules if rule.cap_per_partner_period]
        if capped:
            # Caps per partner and period: serialise writers of the same partners (locks in sorted order).
            partner_ids = sorted({deal.partner_id for deal in deals})
            list(Partner.objects.select_for_update().filter(pk__in=partner_ids).order_by("pk").values_list("pk"))
        # A deal won again after a reversal starts a new cycle: its earlier entries were all clawed back.
        cycles = {
            deal_id: latest + 1
            for deal_id, latest in CommissionEntry.objects.filter(deal_id__in=ids, kind=EntryKind.CLAWBACK)
            .values("deal_id")
            .annotate(latest=Max("original__cycle"))
            .values_list("deal_id", "latest")
        }
        existing = set(
            CommissionEntry.objects.filter(deal_id__in=ids, kind__in=[EntryKind.COMMISSION, EntryKind.SPIFF])
            .values_list("deal_id", "kind", "rule_id", "spiff_id", "period_key", "cycle")
            .iterator(chunk_size=5000)
        )
        used = _cap_usage(capped, {deal.partner_id for deal in deals})
        # Deal amounts in each spiff's currency at the close date's rate: one rate query per chunk.
        book = RateBook({deal.currency for deal in deals} | {spiff.currency for spiff in spiffs})
        entries = []
        for deal in deals:
            cycle = cycles.get(deal.id, 0)
            for rule in rules_by_type.get(deal.partner_type, ()):
                if not rule_applies(rule, deal, ranks):
                    continue
                for entry in _rule_entries(rule, deal, today, cycle):
                    if (deal.id, EntryKind.COMMISSION, rule.id, None, entry.period_key, cycle) in existing:
                        continue
                    if _apply_caps(rule, entry, used):
                        entries.append(entry)
            for spiff in spiffs:
                if (deal.id, EntryKind.SPIFF, None, spiff.id, "", cycle) in existing:
                    continue
                if not (spiff.starts_on <= deal.close_date <= spiff.ends_on):
                    continue  # no conversion (nor missing-rate alert) for deals outside the window
                amount = book.convert(deal.amount, deal.currency, deal.close_date, to=spiff.currency)
                if spiff_applies(spiff, deal, ranks, amount):
                    entries.append(_spiff_entry(spiff, deal, cycle, amount))
        CommissionEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
        if book.missing:
            report_missing_rates(book.missing, where="spiffs")
        return len(entries)


# The descriptions of the entries the rules write, rendered in the reader's language (prm/messages.py); the
# English `description` column keeps the text as it was written, for the API and history.
FIRST_YEAR = gettext_lazy("%(rule)s: %(rate)s of first-year value")
BOUNTY = gettext_lazy("%(rule)s: bounty")
PERIOD = gettext_lazy("%(rule)s: billing period %(number)s from %(date)s")
SPIFF_RATE = gettext_lazy("Spiff %(spiff)s: +%(rate)s")
SPIFF_FLAT = gettext_lazy("Spiff %(spiff)s: flat bonus")
SPIFF_RATE_CONVERTED = gettext_lazy("Spiff %(spiff)s: +%(rate)s of %(amount)s = %(converted)s at the rate of %(date)s")
SPIFF_FLAT_CONVERTED = gettext_lazy("Spiff %(spiff)s: flat bonus of %(amount)s = %(converted)s at the rate of %(date)s")

CAPPED = gettext_lazy("%(description)s (%(cap)s)")
CAPPED_TWICE = gettext_lazy("%(description)s (%(cap)s; %(other)s)")
CAPPED_PER_ENTRY = gettext_lazy("capped at %(cap)s per entry")
CAPPED_PER_MONTH = gettext_lazy("capped at %(cap)s per month")
CAPPED_PER_QUARTER = gettext_lazy("capped at %(cap)s per quarter")


def _described(key, **values) -> dict:
    return {"description_key": key_of(key), "description_params": params_of(values)}


def _rule_entries(rule: CommissionRule, deal: WonDeal, today: date, cycle: int):
    common = {
        "partner_id": deal.partner_id,
        "deal_id": deal.id,
        "kind": EntryKind.COMMISSION,
        "rule_id": rule.id,
        "cycle": cycle,
        "currency": deal.currency,
    }
    if rule.kind == RuleKind.FIRST_YEAR:
        # The won amount is the first-year contract value; one rounding, at the entry.
        yield CommissionEntry(
            **common,
            earned_on=deal.close_date,
            base_amount=deal.amount,
            rate=rule.rate,
            amount=to_money(deal.amount * rule.rate),
            description=f"{rule.name}: {rule.rate * 100:.2f} % of first-year value",
            **_described(FIRST_YEAR, rule=verbatim(rule.name), rate=rate_param(rule.rate)),
        )
    elif rule.kind == RuleKind.BOUNTY:
        yield CommissionEntry(
            **common,
            earned_on=deal.close_date,
            base_amount=deal.amount,
            rate=None,
            amount=to_money(rule.flat_amount),
            description=f"{rule.name}: bounty",
            **_described(BOUNTY, rule=verbatim(rule.name)),
        )
    else:
        share = Decimal(rule.billing_months) / MONTHS_PER_YEAR
        for number, start in enumerate(billing_periods_due(rule, deal.close_date, today), start=1):
            yield CommissionEntry(
                **common,
                period_key=f"{start.year}-{start.month:02d}",
                earned_on=start,
                base_amount=to_money(deal.amount * share),
                rate=rule.rate,
                amount=to_money(deal.amount * share * rule.rate),
                description=f"{rule.name}: billing period {number} from {start.isoformat()}",
                **_described(PERIOD, rule=verbatim(rule.name), number=number, date=start),
            )


def _spiff_entry(spiff: Spiff, deal: WonDeal, cycle: int, base: Decimal) -> CommissionEntry:
    """The spiff's entry in the spiff's currency; `base` is the deal amount converted into it."""
    values = {"spiff": verbatim(spiff.name)}
    if spiff.kind == SpiffKind.EXTRA_RATE:
        amount, rate, what = to_money(base * spiff.rate), spiff.rate, f"+{spiff.rate * 100:.2f} %"
        values["rate"] = rate_param(spiff.rate)
        key = SPIFF_RATE
    else:
        amount, rate, what = to_money(spiff.flat_amount), None, "flat bonus"
        key = SPIFF_FLAT
    if deal.currency != spiff.currency:
        what += f" of {deal.amount} {deal.currency} = {base} {spiff.currency} at the rate of {deal.close_date}"
        values.update(
            amount=money(deal.amount, deal.currency), converted=money(base, spiff.currency), date=deal.close_date
        )
        key = SPIFF_RATE_CONVERTED if key is SPIFF_RATE else SPIFF_FLAT_CONVERTED
    return CommissionEntry(
        partner_id=deal.partner_id,
        deal_id=deal.id,
        kind=EntryKind.SPIFF,
        spiff_id=spiff.id,
        cycle=cycle,
        earned_on=deal.close_date,
        base_amount=base,
        rate=rate,
        amount=amount,
        currency=spiff.currency,
        description=f"Spiff {spiff.name}: {what}"[:255],
        **_described(key, **values),
    )


def _cap_usage(capped_rules, partner_ids) -> dict:
    """What each partner already earned under each capped rule, by cap period (clawbacks count back)."""
    used: dict = defaultdict(Decimal)
    if not capped_rules:
        return used
    by_id = {rule.id: rule for rule in capped_rules}
    rows = (
        CommissionEntry.objects.filter(rule_id__in=by_id, partner_id__in=partner_ids)
        .values("rule_id", "partner_id", "earned_on")
        .annotate(total=Sum("amount"))
        .values_list("rule_id", "partner_id", "earned_on", "total")
    )
    for rule_id, partner_id, earned_on, total in rows:
        used[(rule_id, partner_id, cap_period_key(by_id[rule_id], earned_on))] += total
    return used


def _apply_caps(rule: CommissionRule, entry: CommissionEntry, used: dict) -> bool:
    """Cap the entry (per entry, then per partner and period); False when nothing is left to earn."""
    amount = entry.amount
    notes, caps = [], []
    if rule.cap_per_entry is not None and amount > rule.cap_per_entry:
        amount = rule.cap_per_entry
        notes.append(f"capped at {rule.cap_per_entry} per entry")
        caps.append(nested(CAPPED_PER_ENTRY, {"cap": money(rule.cap_per_entry, rule.currency)}))
    if rule.cap_per_partner_period:
        key = (rule.id, entry.partner_id, cap_period_key(rule, entry.earned_on))
        room = max(rule.cap_per_partner_period - used[key], Decimal("0.00"))
        if amount > room:
            amount = room
            notes.append(f"capped at {rule.cap_per_partner_period} per {rule.cap_period}")
            per_month = rule.cap_period == CapPeriod.MONTH
            cap = money(rule.cap_per_partner_period, rule.currency)
            caps.append(nested(CAPPED_PER_MONTH if per_month else CAPPED_PER_QUARTER, {"cap": cap}))
        if amount <= 0:
            return False
        used[key] += amount
    entry.amount = to_money(amount)
    if notes:
        entry.description = f"{entry.description} ({'; '.join(notes)})"[:255]
        if entry.description_key:
            described = nested(entry.description_key, entry.description_params)
            two = len(caps) > 1
            values = {"description": described, "cap": caps[0], **({"other": caps[1]} if two else {})}
            entry.description_key = key_of(CAPPED_TWICE if two else CAPPED)
            entry.description_params = params_of(values)
    return True
