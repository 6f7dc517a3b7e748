"""Demo data of commissions, called by `seed_demo` after the deals, enablement and MDF demos.

Plans come from the data migration (the program defaults: referral, reseller, affiliate, OEM); the demo adds
a plan for every other partner type (DEMO_PLANS, docs/program-terms.md), so every demo partner earns what
its pages promise. This adds a running spiff and a contest for the current quarter
(its leaderboard is live from the demo's won deals), computes the ledger of every won deal that has no
entries yet (the same set-based path as deal.won), and on the first run shapes the ledger through the
real services: older entries approved by finance@example.com, payout batches created (and so submitted) by
finance@example.com, approved by finance2@example.com and paid through the payout task, a draft the monthly
job made (not yet submitted), a submitted draft and an approved-but-unpaid batch,
a clawback (a won deal reopened by its channel manager) and an approved adjustment. Acme Cloud Partners
(alice@acme.example) closes two more deals this quarter, so its statement and earnings page show paid,
approved and pending figures.

Idempotent: the spiff and contest are found by name, computing entries adds only missing ones, and the
shaping runs only while no batch by finance@example.com exists. Quick for --partners 5000: entries are
computed in bulk and at most MAX_BATCHES batches go through the services.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from commissions import services, tasks
from commissions.models import (
    CommissionEntry,
    CommissionPlan,
    CommissionRule,
    Contest,
    EntryKind,
    EntryStatus,
    PayoutBatch,
    RuleKind,
    Spiff,
    SpiffKind,
)
from commissions.rules import compute_entries_for_deals
from deals import services as deal_services
from deals.models import DealRegistration, DealStatus
from partners.models import Partner, Tier
from prm.exceptions import DomainError
from prm.periods import quarter_of

SPIFF_NAME = "Platform push: +5 % on Platform deals over $25,000 this quarter"
CONTEST_NAME = "Big-deal race: most deals over $50,000 this quarter wins +5 % on its commissions"
PENDING_DAYS = 14  # entries earned in the last two weeks still wait for finance
MAX_PAID_BATCHES = 10
MAX_BATCHES = 12
# Plans of the partner types the defaults leave open, all of first-year contract value (docs/program-terms.md):
# (partner type, plan, [(rule, rate, lowest tier, highest tier)]).
DEMO_PLANS = [
    (
        "systems_integrator",
        "Systems integrator plan",
        [("Integrator fee", "0.1500", None, "Silver"), ("Integrator fee, Gold and up", "0.2000", "Gold", None)],
    ),
    ("msp", "MSP plan", [("MSP margin", "0.2000", None, "Gold"), ("MSP margin, Platinum", "0.2500", "Platinum", None)]),
    ("isv", "ISV / technology plan", [("Technology partner fee", "0.1000", None, None)]),
    ("cloud_marketplace", "Cloud / marketplace plan", [("Marketplace commission", "0.2000", None, None)]),
]
PLANS_FROM = date(2020, 1, 1)
ADJUSTMENT_REASON = "Co-sell bonus agreed at the quarterly business review (Northwind Platform rollout)."


def _user(email):
    return User.objects.filter(email__iexact=email, is_active=True).first()


def seed(*, seed: int, partners: int, stdout) -> None:
    admin = _user("admin@example.com") or User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True).first()
    finance, finance2 = _user("finance@example.com"), _user("finance2@example.com")
    if admin is None or finance is None or finance2 is None:
        stdout.write("  commissions: the demo's program admin and two finance users are missing, skipped")
        return
    plans = _plans_for_every_type()
    today = timezone.localdate()
    quarter = quarter_of(today)
    spiff = _spiff(admin, quarter)
    contest = _contest(admin, quarter)

    first_run = not PayoutBatch.objects.filter(created_by=finance).exists()
    acme = Partner.objects.filter(external_crm_id="DEMO-ACME").first()
    acme_pending_deal = _acme_closes_deals(acme, quarter, today) if first_run and acme else None

    todo = list(
        DealRegistration.objects.filter(status=DealStatus.WON, partner__isnull=False, commission_entries__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    written = compute_entries_for_deals(todo) if todo else 0

    summary = ""
    if first_run:
        summary = _shape_ledger(
            acme=acme,
            acme_pending_deal=acme_pending_deal,
            finance=finance,
            finance2=finance2,
            today=today,
        )
    leaders = list(services.leaderboard(contest)[:1])
    leader = f"{leaders[0]['partner__name']} leads with {leaders[0]['deals']}" if leaders else "no qualifying deals yet"
    stdout.write(
        f"  commissions: {plans} demo plans added; spiff {spiff.name!r}; contest {contest.period} ({leader}); "
        f"{written} entries from {len(todo)} won deals{summary}"
    )


def _spiff(admin, quarter) -> Spiff:
    spiff = Spiff.objects.filter(name=SPIFF_NAME).first()
    if spiff is None:
        spiff = services.save_spiff(
            actor=admin,
            spiff=Spiff(
                name=SPIFF_NAME,
                kind=SpiffKind.EXTRA_RATE,
                rate=Decimal("0.0500"),
                currency="USD",
                starts_on=quarter.start,
                ends_on=quarter.end - timedelta(days=1),
                products=["Platform"],
                min_deal_amount=Decimal("25000.00"),
            ),
        )
    return spiff


def _contest(admin, quarter) -> Contest:
    contest = Contest.objects.filter(name=CONTEST_NAME, period=quarter.key).first()
    if contest is None:
        contest = services.create_contest(
            actor=admin,
            name=CONTEST_NAME,
            period=quarter.key,
            min_deal_amount=Decimal("50000.00"),
            bonus_rate=Decimal("0.0500"),
            currency="USD",
        )
    return contest


def _acme_closes_deals(acme, quarter, today):
    """Acme wins two of its approved deals this quarter (through deals.services: events, timelines).
    Returns the one closed today: its entries stay pending; the other's are paid."""
    alice = User.objects.filter(partner=acme, role=Role.PARTNER_ADMIN, is_active=True).order_by("pk").first()
    if alice is None:
        return None
    approved = list(DealRegistration.objects.filter(partner=acme, status=DealStatus.APPROVED).order_by("pk")[:10])
    approved.sort(key=lambda deal: deal.product != "Platform")  # the spiff's product first: it earns the spiff
    if not approved:
        return None
    today_deal, earlier = approved[0], approved[1:2]
    for deal in earlier:
        close_date = max(quarter.start, today - timedelta(days=10))
        # A close date lies between the registration and today (docs/commissions-rules.md): in the demo's
        # history this deal was registered three weeks before it closed.
        registered = timezone.now() - timedelta(days=(today - close_date).days + 21)
        DealRegistration.objects.filter(pk=deal.pk).update(submitted_at=registered, created_at=registered)
        deal.submitted_at = deal.created_at = registered
        _won(deal_services, deal, alice, deal.amount, close_date)
    return _won(deal_services, today_deal, alice, max(today_deal.amount, Decimal("48000.00")), today)


def _won(deal_services, deal, actor, amount, close_date):
    try:
        return deal_services.mark_won(deal=deal, actor=actor, amount=amount, close_date=close_date)
    except DomainError:
        return None


def _shape_ledger(*, acme, acme_pending_deal, finance, finance2, today) -> str:
    """Entries in every state, through the services (audit rows, events, notifications)."""
    # Approval: everything older than two weeks, and Acme's entries except those of the deal closed today.
    cutoff = today - timedelta(days=PENDING_DAYS)
    to_approve = Q(earned_on__lte=cutoff)
    if acme is not None:
        acme_q = Q(partner=acme)
        if acme_pending_deal is not None:
            acme_q &= ~Q(deal=acme_pending_deal)
        to_approve |= acme_q
    ids = list(
        CommissionEntry.objects.filter(to_approve, status=EntryStatus.PENDING, amount__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    approved = services.approve_entries(entry_ids=ids, actor=finance) if ids else 0

    # Batches at every stage of the four eyes (docs/commissions-rules.md): Acme paid first, then one the
    # monthly job made (a draft nobody submitted yet), one finance submitted (waiting for the second
    # approver), an approved-but-unpaid one, then more paid up to the cap. finance@ submits (creating a
    # batch submits it), finance2@ approves and pays.
    ready = list(
        CommissionEntry.objects.filter(status=EntryStatus.APPROVED, batch__isnull=True, currency="USD")
        .values_list("partner_id", flat=True)
        .distinct()
        .order_by("partner_id")[: MAX_BATCHES + 1]
    )
    if acme is not None and acme.pk in ready:
        ready.remove(acme.pk)
        ready.insert(0, acme.pk)
    roles = ["paid", "unsubmitted", "draft", "approved"] + ["paid"] * (MAX_PAID_BATCHES - 1)
    made = {"paid": [], "unsubmitted": [], "draft": [], "approved": []}
    for partner_id, role in zip(ready[:MAX_BATCHES], roles, strict=False):
        creator = None if role == "unsubmitted" else finance  # None: what the monthly job does
        try:
            batch = services.create_payout_batch(partner=Partner(pk=partner_id), actor=creator, currency="USD")
        except DomainError:
            continue
        if role in ("paid", "approved"):
            batch = services.approve_batch(batch=batch, actor=finance2)
        if role == "paid":
            services.pay_batch(batch=batch, actor=finance2)
            tasks.pay_payout_batch(batch.pk)  # what the worker runs; a rerun after the queued one pays nothing
        made[role].append(partner_id)

    clawed = _clawback(made["paid"], acme)

    adjustment = ""
    if acme is not None:
        try:
            entry = services.add_adjustment(actor=finance, partner=acme, amount="250.00", reason=ADJUSTMENT_REASON)
        except DomainError:
            entry = None
        if entry is not None:
            services.approve_entry(entry=entry, actor=finance)
            adjustment = "; an approved adjustment for Acme"
    return (
        f"; {approved} approved, {len(made['paid'])} batches paid, {len(made['approved'])} approved, "
        f"{len(made['draft'])} submitted and {len(made['unsubmitted'])} unsubmitted draft; "
        f"{clawed} clawback entries{adjustment}"
    )


def _clawback(paid_partner_ids, acme) -> int:
    """A paid deal of another partner is reopened by a channel manager: its entries are clawed back."""
    candidates = [pk for pk in paid_partner_ids if acme is None or pk != acme.pk]
    entry = (
        CommissionEntry.objects.filter(
            partner_id__in=candidates, kind=EntryKind.COMMISSION, status=EntryStatus.PAID, deal__status=DealStatus.WON
        )
        .select_related("deal", "deal__partner__channel_manager")
        .order_by("pk")
        .first()
    )
    if entry is None:
        return 0
    manager = entry.deal.partner.channel_manager or User.objects.filter(role=Role.CHANNEL_MANAGER).first()
    if manager is None:
        return 0
    reason = "The customer cancelled within the 30-day return window."
    try:
        deal_services.reopen_deal(deal=entry.deal, actor=manager, reason=reason)
    except DomainError:
        return 0
    services.claw_back_deal(deal_id=entry.deal_id, reason=reason, actor=manager)  # no-op once the event has run
    return CommissionEntry.objects.filter(deal_id=entry.deal_id, kind=EntryKind.CLAWBACK).count()


def _plans_for_every_type() -> int:
    """The DEMO_PLANS whose partner type has no plan yet; a plan that exists is left as it is."""
    tiers = {tier.name: tier for tier in Tier.objects.all()}
    added = 0
    for partner_type, name, rules in DEMO_PLANS:
        plan, _ = CommissionPlan.objects.get_or_create(partner_type=partner_type, defaults={"name": name})
        if plan.rules.exists():
            continue
        for rule_name, rate, low, high in rules:
            CommissionRule.objects.create(
                plan=plan,
                name=rule_name,
                kind=RuleKind.FIRST_YEAR,
                rate=Decimal(rate),
                min_tier=tiers.get(low) if low else None,
                max_tier=tiers.get(high) if high else None,
                currency="USD",
                valid_from=PLANS_FROM,
            )
        added += 1
    return added
