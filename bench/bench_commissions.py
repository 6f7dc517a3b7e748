"""Commissions at scale (issue 8): the rules engine over 100,000 won deals and a payout of 10,000 entries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.bench_commissions

Works in a scratch database (`--database`, default `prm_bench_commissions`, created on the server of
DATABASE_URL and migrated; its partners, deals and ledger are emptied first), then:
- bulk-creates partners of every type and tier and `--deals` won deals (bulk_create; not timed), plus a
  running spiff, and times `commissions.rules.compute_entries_for_deals` over all of them (the same code
  the deal.won subscriber runs for one deal), then times a rerun (idempotent: it writes nothing);
- bulk-creates `--entries` approved entries for one partner, gathers them into a batch
  (`services.create_payout_batch`, finance user 1), approves it (`services.approve_batch`, finance user 2)
  and times the payout: `services.pay_batch` and the `pay_payout_batch` task it queues (Celery eager here)
  until the batch is paid, checking that every entry was paid exactly once.
Targets: compute < 60 s, payout < 10 s. Exits 1 when one is missed.
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from bench.bench_deal_matching import open_scratch

TARGET_COMPUTE_S = 60.0
TARGET_PAYOUT_S = 10.0
TYPES = ["reseller", "referral", "affiliate", "oem", "systems_integrator", "msp"]
PRODUCTS = ["Platform", "Analytics add-on", "Enterprise support", "Northwind Flow"]


def reset(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE commissions_contestwinner, commissions_commissionentry, commissions_payoutbatch, "
            "deals_dealregistration, deals_account, partners_partner RESTART IDENTITY CASCADE"
        )


def load(args, rng):
    from accounts.models import Role, User
    from commissions.models import Spiff, SpiffKind
    from deals.models import Account, DealRegistration, DealStatus
    from partners.models import Partner, Tier

    accounts = Account.objects.bulk_create(
        [
            Account(name=f"Bench customer {n}", normalised_name=f"bench customer {n}", country="US")
            for n in range(max(1, args.deals // 20))
        ],
        batch_size=5000,
    )
    tiers = list(Tier.objects.order_by("rank"))
    partners = Partner.objects.bulk_create(
        [
            Partner(
                name=f"Bench partner {i:05d}",
                partner_type=TYPES[i % len(TYPES)],
                tier=tiers[i % len(tiers)],
                status="active",
                country="US",
                region="na",
            )
            for i in range(args.partners)
        ],
        batch_size=5000,
    )
    today = date.today()
    Spiff.objects.create(
        name="Bench spiff",
        kind=SpiffKind.EXTRA_RATE,
        rate=Decimal("0.0200"),
        currency="USD",
        starts_on=today - timedelta(days=90),
        ends_on=today,
        products=["Platform"],
        min_deal_amount=Decimal("25000.00"),
    )
    deals = (
        DealRegistration(
            partner=partners[rng.randrange(len(partners))],
            account=accounts[n % len(accounts)],
            customer_name=f"Bench customer {n % len(accounts)}",
            customer_country="US",
            product=rng.choice(PRODUCTS),
            amount=Decimal(rng.randint(1_000, 500_000)) + Decimal(rng.randint(0, 99)) / 100,
            currency="USD",
            status=DealStatus.WON,
            close_date=today - timedelta(days=rng.randint(0, 365)),
        )
        for n in range(args.deals)
    )
    batch = []
    for deal in deals:
        batch.append(deal)
        if len(batch) == 10_000:
            DealRegistration.objects.bulk_create(batch)
            batch = []
    if batch:
        DealRegistration.objects.bulk_create(batch)
    users = []
    for email in ("bench-finance1@example.com", "bench-finance2@example.com"):
        user, _ = User.objects.get_or_create(email=email, defaults={"role": Role.FINANCE, "first_name": "Bench"})
        users.append(user)
    return users


def payout(args, finance1, finance2) -> dict:
    from commissions import services
    from commissions.models import BatchStatus, CommissionEntry, EntryKind, EntryStatus, PayoutBatch
    from partners.models import Partner, Tier

    partner = Partner.objects.create(
        name="Bench payout partner",
        partner_type="reseller",
        tier=Tier.objects.order_by("rank").first(),
        status="active",
        country="US",
        region="na",
    )
    today = date.today()
    CommissionEntry.objects.bulk_create(
        [
            CommissionEntry(
                partner=partner,
                kind=EntryKind.ADJUSTMENT,
                status=EntryStatus.APPROVED,
                earned_on=today,
                base_amount=Decimal("12.34"),
                amount=Decimal("12.34"),
                currency="USD",
                reason="Benchmark entry",
                approved_by=finance1,
            )
            for _ in range(args.entries)
        ],
        batch_size=5000,
    )
    t0 = time.perf_counter()
    batch = services.create_payout_batch(partner=partner, actor=finance1, currency="USD")
    services.approve_batch(batch=batch, actor=finance2)
    prepared = time.perf_counter() - t0
    t0 = time.perf_counter()
    services.pay_batch(batch=batch, actor=finance2)  # queues pay_payout_batch on commit; eager here
    batch = PayoutBatch.objects.get(pk=batch.pk)
    paid = time.perf_counter() - t0
    entries = CommissionEntry.objects.filter(batch=batch)
    ok = (
        batch.status == BatchStatus.PAID
        and entries.count() == args.entries
        and not entries.exclude(status=EntryStatus.PAID).exists()
        and batch.total == Decimal("12.34") * args.entries
        and batch.payout_file.count("\n") == args.entries + 1
    )
    return {"prepare": prepared, "payout": paid, "ok": ok, "status": batch.status, "total": batch.total}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=2_000)
    parser.add_argument("--entries", type=int, default=10_000, help="entries in the timed payout batch")
    parser.add_argument("--database", default="prm_bench_commissions")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)

    open_scratch(args.database, eager=True)  # the payout task runs in this process, timed
    from django.db import connection

    from commissions.models import CommissionEntry, EntryKind
    from commissions.rules import compute_entries_for_deals
    from deals.models import DealRegistration

    reset(connection)
    rng = random.Random(args.seed)  # noqa: S311 - reproducible benchmark data
    t0 = time.perf_counter()
    finance1, finance2 = load(args, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deals_dealregistration")
        cursor.execute("ANALYZE partners_partner")
    print(f"load: {args.partners:,} partners and {args.deals:,} won deals in {time.perf_counter() - t0:.1f}s")

    ids = list(DealRegistration.objects.values_list("pk", flat=True))
    t0 = time.perf_counter()
    written = compute_entries_for_deals(ids)
    compute = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = compute_entries_for_deals(ids)
    rerun = time.perf_counter() - t0
    spiffs = CommissionEntry.objects.filter(kind=EntryKind.SPIFF).count()
    print(
        f"compute_entries_for_deals: {len(ids):,} won deals -> {written:,} entries ({spiffs:,} spiff) in "
        f"{compute:.2f}s ({len(ids) / compute:,.0f} deals/s); rerun wrote {again} in {rerun:.2f}s"
    )

    result = payout(args, finance1, finance2)
    print(
        f"payout: batch of {args.entries:,} entries gathered and approved in {result['prepare']:.2f}s, "
        f"paid in {result['payout']:.2f}s ({args.entries / result['payout']:,.0f} entries/s); "
        f"status {result['status']}, total {result['total']}, every entry paid once: {result['ok']}"
    )
    verdicts = {
        f"compute < {TARGET_COMPUTE_S:.0f} s": compute < TARGET_COMPUTE_S,
        "rerun writes nothing": again == 0,
        f"payout < {TARGET_PAYOUT_S:.0f} s": result["payout"] < TARGET_PAYOUT_S,
        "payout paid every entry once": result["ok"],
    }
    for label, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
