"""Trust features at scale (issue 12): the 12-month policy replay and signed receipts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.bench_trust

Works in a scratch database (`--database`, default `prm_bench_trust`, created on the server of DATABASE_URL
and migrated; its partners, accounts, deals, receipts and simulations are emptied first), then:
- bulk-creates `--partners` partners of every tier, `--accounts` customer accounts with their blocking keys
  and `--registrations` partner registrations submitted over the last 12 months (approved, won, lost, expired,
  rejected as conflicts and duplicates, still in review), decided under policy version 1 (not timed);
- drafts version 2 (longer protection for the top tier, a stricter possible-match threshold) and times the
  simulation that replays every registration of the window under it (`policy.simulation.run_simulation`,
  the Celery task's body), printing registrations per second and the decisions that would change;
- times issuing `--receipts` signed receipts (`receipts.services.issue_receipt`: canonical JSON, Ed25519,
  one INSERT each) and verifying them (`verify_envelope`), p50/p95 per receipt.
The generated decisions are random, not what version 1 would have decided, so many replayed decisions
show as changed: what is measured is the replay's speed, not the draft's effect.
Targets: the replay of 100,000 registrations < 120 s, issuing a receipt p95 < 10 ms, verifying p95 < 2 ms.
Exits 1 when one is missed.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal

from bench.bench_deal_matching import build_accounts, open_scratch

TARGET_REPLAY_S = 120.0
TARGET_ISSUE_P95_MS = 10.0
TARGET_VERIFY_P95_MS = 2.0


def reset(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE receipts_receipt, policy_policysimulationchange, policy_policysimulation, "
            "deals_dealregistration, deals_accountkey, deals_account, partners_partner RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM policy_roepolicy WHERE version > 1")


def load(args, rng):
    from deals import matching
    from deals.models import Account, AccountKey, DealReason, DealRegistration, DealSource, DealStatus
    from partners.models import Partner, Tier
    from policy.selectors import current_policy

    tiers = list(Tier.objects.order_by("rank"))
    partners = Partner.objects.bulk_create(
        [
            Partner(
                name=f"Bench partner {i:05d}",
                partner_type="reseller",
                tier=tiers[i % len(tiers)],
                status="active",
                country="US",
                region="na",
            )
            for i in range(args.partners)
        ],
        batch_size=5000,
    )
    rows = build_accounts(args.accounts, rng)
    accounts = Account.objects.bulk_create(
        [
            Account(name=name, normalised_name=norm, domain=domain, country=country)
            for _, name, norm, domain, country in rows
        ],
        batch_size=5000,
    )
    keys = [
        AccountKey(account=account, key=key)
        for account in accounts
        for key in matching.blocking_keys(
            normalised_name=account.normalised_name, domain=account.domain, country=account.country
        )
    ]
    AccountKey.objects.bulk_create(keys, batch_size=10_000, ignore_conflicts=True)

    v1 = current_policy()
    now = time.time()
    from django.utils import timezone

    start = timezone.now() - timedelta(days=364)
    step = timedelta(days=364) / max(args.registrations, 1)
    holders = {}  # account id -> index of the registration holding it (first to register)
    outcomes = [DealStatus.APPROVED, DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED, DealStatus.SUBMITTED]
    batch = []
    for n in range(args.registrations):
        account = accounts[rng.randrange(len(accounts))]
        partner = partners[rng.randrange(len(partners))]
        submitted = start + step * n
        fields = {"status": rng.choice(outcomes), "reason": ""}
        if account.pk in holders and rng.random() < 0.8:
            fields = {"status": DealStatus.REJECTED, "reason": rng.choice([DealReason.CONFLICT, DealReason.DUPLICATE])}
        else:
            holders[account.pk] = n
        approved = fields["status"] in (DealStatus.APPROVED, DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED)
        batch.append(
            DealRegistration(
                partner=partner,
                source=DealSource.PARTNER,
                account=account,
                customer_name=account.name,
                customer_domain=account.domain,
                customer_country=account.country,
                amount=Decimal(rng.randint(5_000, 250_000)),
                currency="USD",
                submitted_at=submitted,
                created_at=submitted,
                decided_at=submitted + timedelta(days=1) if fields["status"] != DealStatus.SUBMITTED else None,
                protected_until=(submitted + timedelta(days=v1.protection_days_for(partner.tier_id))).date()
                if approved
                else None,
                close_date=(submitted + timedelta(days=40)).date()
                if fields["status"] in (DealStatus.WON, DealStatus.LOST)
                else None,
                policy_version=v1,
                **fields,
            )
        )
        if len(batch) == 10_000:
            _insert(DealRegistration, batch)
            batch = []
    if batch:
        _insert(DealRegistration, batch)
    return time.time() - now


def _insert(model, rows) -> None:
    """Bulk insert without the one-active-holder constraint tripping over generated data: rows that
    would hold an account a second time are stored as expired."""
    from django.db import IntegrityError, transaction

    try:
        with transaction.atomic():
            model.objects.bulk_create(rows)
    except IntegrityError:
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                row.pk, row.status, row.decided_at = None, "expired", row.submitted_at
                row.save()


def percentile(values, q) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=2_000)
    parser.add_argument("--accounts", type=int, default=60_000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--receipts", type=int, default=5_000)
    parser.add_argument("--database", default="prm_bench_trust")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)

    open_scratch(args.database)
    from django.db import connection

    from accounts.models import Role, User
    from deals.models import DealRegistration
    from policy import services as policy_services
    from policy.models import PolicySimulation, SimulationStatus
    from policy.simulation import run_simulation
    from receipts.services import issue_receipt, verify_envelope

    reset(connection)
    rng = random.Random(args.seed)  # noqa: S311 - reproducible benchmark data
    loaded = load(args, rng)
    with connection.cursor() as cursor:
        for table in ("deals_dealregistration", "deals_account", "deals_accountkey", "partners_partner"):
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 - our own table names
    print(
        f"load: {args.partners:,} partners, {args.accounts:,} accounts and {args.registrations:,} registrations "
        f"in {loaded:.1f}s"
    )

    admin, _ = User.objects.get_or_create(
        email="bench-admin@example.com", defaults={"role": Role.PROGRAM_ADMIN, "first_name": "Bench"}
    )
    draft = policy_services.create_draft(actor=admin, notes="Benchmark draft")
    days = dict(draft.protection_days_by_tier)
    top = max(days, key=days.get, default=None)
    if top is not None:
        days[top] = 150
    policy_services.update_draft(
        policy=draft, actor=admin, data={"possible_match_threshold": 85, "protection_days_by_tier": days}
    )
    from django.utils import timezone

    simulation = PolicySimulation.objects.create(
        policy=draft, requested_by=admin, fingerprint=draft.fingerprint(), window_end=timezone.now()
    )
    t0 = time.perf_counter()
    run_simulation(simulation_id=simulation.pk)
    replay = time.perf_counter() - t0
    simulation.refresh_from_db()
    print(
        f"simulation: {simulation.total:,} registrations replayed in {replay:.1f}s "
        f"({simulation.total / replay:,.0f}/s); {simulation.changed:,} decisions would change for "
        f"{simulation.partners_affected:,} partners; status {simulation.status}"
    )

    deals = list(DealRegistration.objects.exclude(status="submitted").order_by("pk")[: args.receipts])
    issue_ms, envelopes = [], []
    for deal in deals:
        t0 = time.perf_counter()
        receipt = issue_receipt(deal=deal, kind="approved" if deal.protected_until else "rejected")
        issue_ms.append((time.perf_counter() - t0) * 1000)
        envelopes.append(
            {"receipt": receipt.body, "signature": {"alg": "Ed25519", "kid": receipt.kid, "value": receipt.signature}}
        )
    verify_ms, valid = [], 0
    for envelope in envelopes:
        t0 = time.perf_counter()
        valid += verify_envelope(envelope)
        verify_ms.append((time.perf_counter() - t0) * 1000)
    print(
        f"receipts: {len(issue_ms):,} issued, p50 {statistics.median(issue_ms):.2f} ms, "
        f"p95 {percentile(issue_ms, 0.95):.2f} ms; verified {valid:,}, p50 {statistics.median(verify_ms):.3f} ms, "
        f"p95 {percentile(verify_ms, 0.95):.3f} ms"
    )

    scale = args.registrations / 100_000
    verdicts = {
        f"replay < {TARGET_REPLAY_S * max(scale, 0.01):.0f} s": replay < TARGET_REPLAY_S * max(scale, 0.01)
        and simulation.status == SimulationStatus.DONE,
        f"issue p95 < {TARGET_ISSUE_P95_MS:.0f} ms": percentile(issue_ms, 0.95) < TARGET_ISSUE_P95_MS,
        f"verify p95 < {TARGET_VERIFY_P95_MS:.0f} ms": percentile(verify_ms, 0.95) < TARGET_VERIFY_P95_MS,
        "every receipt verifies": valid == len(envelopes),
    }
    for label, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
