"""Eight quarters of deal history for seed_demo, so analytics shows trends and MDF accruals and commissions have
a past: bulk-inserted once (marked by HISTORY_NOTE on the deals; a rerun adds none) by the deals demo, before
the MDF and commissions demos run, so those accrue and pay on them in the same first run and a rerun adds
nothing. Won and lost partner deals grow quarter on quarter with a year-end peak, bigger and more frequent for
higher tiers; direct deals with influences by other partners; leads passed to partners. Its size is bounded so
`seed_demo --partners 5000` stays fast.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from deals.models import Account, DealRegistration, DealSource, DealStatus, DealType, Influence, Lead, LeadStatus
from demo.customers import customer_names, normalised
from partners.models import Partner
from policy.selectors import policy_at
from prm.periods import quarter_of

HISTORY_NOTE = "Demo history (analytics)"
QUARTERS = 8  # two years of history
HISTORY_CUSTOMERS = 400
HISTORY_LEADS = 200
MAX_HISTORY_DEALS = 30_000
PRODUCTS = ["Platform", "Analytics add-on", "Enterprise support", "Northwind Flow"]
# Year-end peak, slow first quarter (by fiscal quarter number 1-4).
SEASON = {1: 0.8, 2: 0.95, 3: 1.0, 4: 1.35}


def _at(day, rng):
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59))))


def seed_history(*, seed: int, stdout) -> None:
    if DealRegistration.objects.filter(decision_note=HISTORY_NOTE).exists():
        return
    made = _history(random.Random(seed + 11))  # noqa: S311 - reproducible demo data
    stdout.write(f"  deals: {made['deals']} historical deals, {made['influences']} influences, {made['leads']} leads")


# European and Asia-Pacific partners sell some deals in their own currency; program totals convert them
# at finance's exchange rates (demo/fx.py seeds the rates before this runs).
LOCAL_CURRENCIES = {"emea": ("EUR", "GBP"), "apac": ("AUD",)}


def _local_currency(region: str, rng) -> str:
    choices = LOCAL_CURRENCIES.get(region)
    if choices and rng.random() < 0.3:
        return rng.choice(choices)
    return settings.DEFAULT_CURRENCY


def _history(rng) -> dict:
    today = timezone.localdate()
    current = quarter_of(today)
    quarters = [current]
    while len(quarters) < QUARTERS:
        quarters.insert(0, quarter_of(quarters[0].start - timedelta(days=1)))
    partners = list(Partner.objects.order_by("pk").values("pk", "tier__rank", "partner_type", "joined_at", "region"))
    if not partners:
        return {"deals": 0, "influences": 0, "leads": 0}
    manager = User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).order_by("pk").first()
    # Keep the history bounded: about 1.5 won deals per partner and quarter, fewer with many partners.
    scale = min(1.0, MAX_HISTORY_DEALS / (len(partners) * QUARTERS * 2.4))
    with transaction.atomic():
        accounts = Account.objects.bulk_create(
            [
                Account(name=name, normalised_name=normalised(name), domain=domain, country="US")
                for name, domain in customer_names(HISTORY_CUSTOMERS + HISTORY_LEADS)[:HISTORY_CUSTOMERS]
            ],
            batch_size=1000,
        )
        deals, influences_for = [], []
        # A separate generator, so the rest of the history is the same as before currencies were added.
        money_rng = random.Random(len(partners))  # noqa: S311 - demo data, not secrets
        for index, quarter in enumerate(quarters):
            days = (min(quarter.end, today + timedelta(days=1)) - quarter.start).days
            if days <= 0:
                continue
            growth = 1.0 + 0.09 * index  # ~9 % more business each quarter
            season = SEASON[int(quarter.key[-1])]
            rates = {"index": index, "growth": growth, "season": season, "scale": scale, "days": days}
            # The rules-of-engagement version the quarter's registrations were decided under (docs/policy.md).
            version = policy_at(timezone.make_aware(datetime.combine(quarter.start, time.min)))
            for partner in partners:
                joined = partner["joined_at"]
                if joined and joined > quarter.end:
                    continue  # not a partner yet
                _partner_deals(rng, money_rng, deals, influences_for, partner, quarter, accounts, rates, version)
            _direct_deals(rng, deals, influences_for, quarter, accounts, rates, len(partners))
        created = DealRegistration.objects.bulk_create(deals, batch_size=2000)
        influences = _influences(rng, created, influences_for, partners)
        leads = _leads(rng, quarters, partners, manager, scale)
    return {"deals": len(created), "influences": len(influences), "leads": len(leads)}


def _partner_deals(rng, money_rng, deals, influences_for, partner, quarter, accounts, rates, version) -> None:
    """One partner's won and lost deals in one quarter, bigger and more frequent for higher tiers."""
    today = timezone.localdate()
    index, days = rates["index"], rates["days"]
    rank = partner["tier__rank"] or 0
    expected = (0.6 + 0.5 * rank) * rates["growth"] * rates["season"] * rates["scale"] * (days / 91)
    won = _poisson(rng, expected)
    lost = _poisson(rng, expected * (0.9 - 0.1 * rank))
    for outcome, count in ((DealStatus.WON, won), (DealStatus.LOST, lost)):
        for _ in range(count):
            close = min(quarter.start + timedelta(days=rng.randrange(days)), today)
            cycle = rng.randint(20, 70) + rng.randint(0, 40) * (3 - min(rank, 3)) // 3
            submitted = close - timedelta(days=cycle)
            account = accounts[rng.randrange(len(accounts))]
            amount = Decimal(int(rng.lognormvariate(9.6 + 0.25 * rank + 0.04 * index, 0.6)) // 100 * 100 + 1000)
            currency = _local_currency(partner["region"], money_rng)
            deals.append(
                DealRegistration(
                    partner_id=partner["pk"],
                    source=DealSource.PARTNER,
                    account=account,
                    customer_name=account.name,
                    customer_domain=account.domain,
                    customer_country="US",
                    product=rng.choice(PRODUCTS),
                    deal_type=rng.choices([DealType.NEW_BUSINESS, DealType.EXPANSION, DealType.RENEWAL], [6, 3, 1])[0],
                    amount=amount,
                    currency=currency,
                    status=outcome,
                    close_date=close,
                    submitted_at=_at(submitted, rng),
                    decided_at=_at(submitted + timedelta(days=rng.randint(0, 3)), rng),
                    created_at=_at(submitted, rng),
                    decision_note=HISTORY_NOTE,
                    policy_version=version,
                )
            )
            if outcome == DealStatus.WON and rng.random() < 0.18:
                influences_for.append(len(deals) - 1)


def _direct_deals(rng, deals, influences_for, quarter, accounts, rates, partner_count) -> None:
    """Direct deals partners influenced: a few per quarter, growing with the program."""
    today = timezone.localdate()
    count = int(3 * rates["growth"] * rates["season"] * max(rates["scale"], 0.2) * max(1, partner_count // 40))
    for _ in range(count):
        close = min(quarter.start + timedelta(days=rng.randrange(rates["days"])), today)
        account = accounts[rng.randrange(len(accounts))]
        deals.append(
            DealRegistration(
                partner=None,
                source=DealSource.DIRECT,
                account=account,
                customer_name=account.name,
                customer_domain=account.domain,
                customer_country="US",
                product=rng.choice(PRODUCTS),
                amount=Decimal(rng.randint(10, 120) * 1000),
                currency=settings.DEFAULT_CURRENCY,
                status=DealStatus.WON,
                close_date=close,
                submitted_at=_at(close - timedelta(days=rng.randint(20, 90)), rng),
                created_at=_at(close - timedelta(days=rng.randint(20, 90)), rng),
                decision_note=HISTORY_NOTE,
            )
        )
        influences_for.append(len(deals) - 1)


def _influences(rng, created, influences_for, partners) -> list:
    influences = []
    kinds = ["endorsement", "integration_requirement", "active_in_sale"]
    influencers = [p for p in partners if p["partner_type"] in ("isv", "systems_integrator", "referral")] or partners
    for position in influences_for:
        deal = created[position]
        partner = rng.choice(influencers)
        if partner["pk"] == deal.partner_id:
            continue
        when = _at(deal.close_date - timedelta(days=rng.randint(5, 40)), rng)
        influences.append(Influence(deal=deal, partner_id=partner["pk"], kind=rng.choice(kinds), created_at=when))
    Influence.objects.bulk_create(influences, batch_size=2000, ignore_conflicts=True)
    return influences


def _leads(rng, quarters, partners, manager, scale) -> list:
    """Leads passed to partners in the ended quarters, more accepted as the program matures."""
    leads = []
    if manager is None:
        return leads
    lead_names = [name for name, _ in customer_names(HISTORY_CUSTOMERS + HISTORY_LEADS)[HISTORY_CUSTOMERS:]]
    for index, quarter in enumerate(quarters[:-1]):
        for _ in range(int(len(partners) * 0.3 * scale * (1 + 0.1 * index)) + 3):
            partner = rng.choice(partners)
            assigned = _at(quarter.start + timedelta(days=rng.randrange(80)), rng)
            status = rng.choices([LeadStatus.ACCEPTED, LeadStatus.DECLINED, LeadStatus.RETURNED], [6 + index, 2, 2])[0]
            leads.append(
                Lead(
                    partner_id=partner["pk"],
                    created_by=manager,
                    customer_name=lead_names[len(leads) % len(lead_names)],
                    customer_country="US",
                    status=status,
                    assigned_at=assigned,
                    accept_by=assigned + timedelta(days=3),
                    created_at=assigned,
                    notes=HISTORY_NOTE,
                )
            )
    Lead.objects.bulk_create(leads, batch_size=2000)
    return leads


def _poisson(rng, mean: float) -> int:
    """A small Poisson draw (Knuth), enough for demo counts."""
    if mean <= 0:
        return 0
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
