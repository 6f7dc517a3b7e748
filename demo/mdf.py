"""MDF demo data for seed_demo: accruals from the demo's won deals, allocations, requests and claims in
every state, an expired fund. Safe to run again (nothing is added twice); bulk paths keep 5,000 partners quick.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Role, User
from deals.models import DealRegistration, DealStatus
from mdf import services
from mdf.models import ActivityType, EntryKind, Fund, FundEntry, MdfRequest
from mdf.selectors import accrual_rates
from partners.models import Partner, PartnerStatus, Tier
from prm.money import to_money

FULL_PARTNERS = 3
DEMO_PDF = b"%PDF-1.4\n% demo invoice\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO_CSV = b"name,email,company\nAda Lovelace,ada@example.com,Analytical Engines\n"


def seed(*, seed: int, partners: int, stdout) -> None:
    rng = random.Random(seed + 7)  # noqa: S311 - reproducible demo data
    accrued = _bulk_accruals()
    admin = User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True).order_by("pk").first()
    manager = User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).order_by("pk").first()
    finance = User.objects.filter(role=Role.FINANCE, is_active=True).order_by("pk").first()
    if not (admin and manager and finance) or not ActivityType.objects.exists():
        stdout.write(f"  mdf: {accrued} accruals; no internal users or activity menu, flows skipped")
        return
    candidates = (
        Partner.objects.filter(tier__mdf_accrual__rate__gt=0)
        .filter(status__in=[PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING])  # docs/partner-status.md
        .filter(Exists(User.objects.filter(partner=OuterRef("pk"), role=Role.PARTNER_ADMIN, is_active=True)))
        .order_by("pk")
    )
    fixed = list(Partner.objects.filter(name__in=["Acme Cloud Partners"]))
    chosen = fixed + [p for p in candidates[: FULL_PARTNERS + 1] if p not in fixed]
    done = 0
    for partner in chosen[:FULL_PARTNERS]:
        if MdfRequest.objects.filter(partner=partner).exists():
            continue
        requester = User.objects.filter(partner=partner, role=Role.PARTNER_ADMIN, is_active=True).order_by("pk").first()
        _full_partner(rng, partner, requester, manager, finance, admin)
        done += 1
    stdout.write(f"  mdf: {accrued} bulk accruals; requests and claims in every state for {done} partners")


def _bulk_accruals() -> int:
    """Accrue the demo's won deals that have no accrual yet (bulk-created deals emit no events)."""
    today = timezone.localdate()
    # The rates the accrual service applies (docs/program-terms.md).
    rates = accrual_rates(Tier.objects.values_list("pk", flat=True))
    deals = list(
        DealRegistration.objects.filter(
            status=DealStatus.WON, partner__tier_id__in=[tier for tier, rate in rates.items() if rate > 0]
        )
        .exclude(Exists(FundEntry.objects.filter(deal=OuterRef("pk"), kind=EntryKind.ACCRUAL)))
        .values("pk", "partner_id", "amount", "currency", "partner__tier_id")
    )
    if not deals:
        return 0
    period = services.period_of(today)
    last_day = period.end - timedelta(days=1)
    keys = {(d["partner_id"], d["currency"]) for d in deals}
    with transaction.atomic():
        Fund.objects.bulk_create(
            [
                Fund(
                    partner_id=partner_id,
                    currency=currency,
                    period=period.key,
                    period_start=period.start,
                    period_end=last_day,
                    expires_at=last_day + timedelta(days=settings.MDF_FUND_EXPIRY_DAYS),
                )
                for partner_id, currency in keys
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        funds = {
            (f.partner_id, f.currency): f
            for f in Fund.objects.select_for_update().filter(period=period.key, partner_id__in={k[0] for k in keys})
        }
        entries = []
        for deal in deals:
            rate = rates[deal["partner__tier_id"]]
            amount = to_money(deal["amount"] * rate)
            if amount <= 0:
                continue
            fund = funds[(deal["partner_id"], deal["currency"])]
            entries.append(
                FundEntry(
                    fund=fund,
                    kind=EntryKind.ACCRUAL,
                    amount=amount,
                    currency=fund.currency,
                    deal_id=deal["pk"],
                    reference=f"demo:deal:{deal['pk']}",
                    note=f"{rate * 100:.2f} % of a won deal",
                )
            )
            fund.accrued += amount
            fund.available += amount
        FundEntry.objects.bulk_create(entries, batch_size=2000)
        Fund.objects.bulk_update(list(funds.values()), ["accrued", "available"], batch_size=1000)
    return len(entries)


def _proof(name, content):
    return SimpleUploadedFile(name, content)


def _full_partner(rng, partner, requester, manager, finance, admin):
    """Funds and one request or claim in each state, through the services."""
    today = timezone.localdate()
    menu = list(ActivityType.objects.filter(active=True).order_by("name"))
    services.allocate_funds(partner=partner, actor=admin, amount="25000", reason="Joint go-to-market plan")
    with transaction.atomic():
        # A fund of an earlier period that has already expired (part of it was never used).
        old_day = services.period_of(today).start - timedelta(days=200)
        old = services.fund_for(partner_id=partner.pk, day=old_day, currency=settings.DEFAULT_CURRENCY)
        old = Fund.objects.select_for_update().get(pk=old.pk)
        if not old.entries.exists():
            services._post(
                old, EntryKind.ALLOCATION, Decimal("4000"), actor=admin, reference="allocation", note="Launch funds"
            )
    services.expire_fund(fund_id=old.pk, today=max(today, old.expires_at + timedelta(days=1)))

    def request(title, days_ago, cost, amount):
        end = today - timedelta(days=days_ago)
        return services.submit_request(
            user=requester,
            activity_type=rng.choice(menu),
            title=title,
            description="Demo activity",
            start_date=end - timedelta(days=2),
            end_date=end,
            total_cost=Decimal(cost),
            requested_amount=Decimal(amount),
            expected_leads=rng.randint(10, 120),
        )

    def approved(title, days_ago=10, cost="6000", amount="3000", part=None):
        return services.approve_request(mdf_request=request(title, days_ago, cost, amount), actor=manager, amount=part)

    def claim(mdf_request, claimed, actual):
        return services.submit_claim(
            user=requester,
            mdf_request=mdf_request,
            actual_cost=Decimal(actual),
            claimed_amount=Decimal(claimed),
            leads=rng.randint(5, 80),
            attendees=rng.randint(20, 300),
            results="Demo results",
            files=[_proof("invoice.pdf", DEMO_PDF), _proof("attendees.csv", DEMO_CSV)],
        )

    request("Spring product webinar", -20, "4000", "2000")  # submitted, waiting for the manager
    services.reject_request(
        mdf_request=request("Golf day", -30, "9000", "4500"), actor=manager, reason="Not a target audience"
    )
    approved("Regional roadshow", days_ago=-15)  # approved, activity still ahead
    claim(approved("Security e-mail campaign", cost="5000", amount="2500"), "2400.00", "4800.00")  # submitted
    questioned = claim(approved("Healthcare summit booth"), "3000.00", "6000.00")
    services.request_claim_info(claim=questioned, actor=finance, reason="Please add booth photos.")
    ok = claim(approved("Paid search sprint", cost="4000", amount="2000"), "2000.00", "4000.00")
    services.approve_claim(claim=ok, actor=finance, amount=Decimal("1800.00"))
    rejected = claim(approved("Content syndication", cost="3000", amount="1500"), "1500.00", "3000.00")
    services.reject_claim(claim=rejected, actor=finance, reason="Leads were outside the territory.")
    paid_request = approved("Partner certification fees", days_ago=30, cost="2400", amount="1200")
    paid = claim(paid_request, "1100.00", "2200.00")
    services.approve_claim(claim=paid, actor=finance)
    services.pay_claim(claim=paid, actor=finance, payment_reference=f"WIRE-{partner.pk:05d}-01")
    lapsed = approved(
        "Trade show that never claimed", days_ago=settings.MDF_CLAIM_WINDOW_DAYS + 5, cost="2000", amount="1000"
    )
    services.release_lapsed_request(request_id=lapsed.pk, today=today)
    # Deals sourced by MDF activities: pipeline and bookings per MDF dollar in the program view.
    sourced = list(
        DealRegistration.objects.filter(partner=partner, mdf_request__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:4]
    )
    DealRegistration.objects.filter(pk__in=sourced[:2]).update(mdf_request=paid_request)
    DealRegistration.objects.filter(pk__in=sourced[2:]).update(mdf_request=ok.request)
