"""SLA demo data for seed_demo: the demo partner (Acme Cloud Partners) has registrations and an MDF claim that
have waited past the vendor's SLA, one still on time, and their escalations, so the partner home's "Waiting on
<vendor>" panel and /sla/ show something. Idempotent: items already past due are left alone, and escalation is
exactly-once by construction."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from deals import matching
from deals.models import Account, AccountKind, DealRegistration, DealSource, DealStatus
from deals.services import write_account_keys
from mdf.models import ClaimStatus, MdfClaim
from partners.models import Partner
from policy.selectors import policy_at
from sla import clock, services
from sla.registry import Policies

DEMO_PARTNER = "Acme Cloud Partners"
# (customer, business days already waited) for the demo partner's registrations waiting on a decision.
DEMO_DEALS = [("Overlook Hotels Group", 6), ("Bluewater Freight GmbH", 3), ("Cedar Ridge Clinics", 0)]


def _business_days_ago(days: int):
    now = timezone.localtime()
    day = now.date()
    while days > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return now.replace(year=day.year, month=day.month, day=day.day, hour=9, minute=30, second=0, microsecond=0)


def seed(*, seed: int, partners: int, stdout) -> None:
    partner = Partner.objects.filter(name=DEMO_PARTNER).first()
    registrant = (
        User.objects.filter(partner=partner, role=Role.PARTNER_ADMIN, is_active=True).order_by("pk").first()
        if partner
        else None
    )
    if partner is None or registrant is None:
        stdout.write("  sla: no demo partner; skipped")
        return
    with transaction.atomic():
        deals = _waiting_deals(partner, registrant)
        claims = _waiting_claim(partner)
    escalated = services.escalate_breaches()
    stdout.write(
        f"  sla: {deals} registrations and {claims} MDF claims waiting at {DEMO_PARTNER}; {escalated} escalated"
    )


def _waiting_deals(partner, registrant) -> int:
    policies = Policies()
    count = 0
    for name, waited in DEMO_DEALS:
        domain = f"{name.split()[0].lower()}-{name.split()[1].lower()}.example"
        deal = DealRegistration.objects.filter(partner=partner, customer_domain=domain).first()
        if deal is None:
            account = Account.objects.filter(domain=domain).first()
            if account is None:
                account = Account.objects.create(
                    name=name,
                    normalised_name=matching.normalise_company_name(name).value,
                    domain=domain,
                    country="US",
                    kind=AccountKind.PROSPECT,
                )
                write_account_keys(account)
            if DealRegistration.objects.filter(
                account=account, status__in=["submitted", "pending_review", "approved"], partner__isnull=False
            ).exists():
                continue  # another partner holds the customer; never break the first-to-register rule
            deal = DealRegistration.objects.create(
                partner=partner,
                source=DealSource.PARTNER,
                account=account,
                registered_by=registrant,
                customer_name=name,
                customer_domain=domain,
                customer_country="US",
                product="Platform Enterprise",
                amount=Decimal("48000.00") + Decimal(1000 * waited),
                currency="USD",
                status=DealStatus.PENDING_REVIEW if waited >= 6 else DealStatus.SUBMITTED,
                submitted_at=_business_days_ago(waited),
                policy_version=policy_at(_business_days_ago(waited)),
            )
        if deal.status in (DealStatus.SUBMITTED, DealStatus.PENDING_REVIEW):
            count += 1
            # Age the item (once) so that the demo shows waits past the SLA; items already past due stay.
            sla_days = policies.approval_days(deal.submitted_at or timezone.now())
            started = _business_days_ago(waited)
            if deal.submitted_at is None or (waited > sla_days and deal.submitted_at > started):
                DealRegistration.objects.filter(pk=deal.pk).update(submitted_at=started)
    return count


def _waiting_claim(partner) -> int:
    """The demo partner's claims waiting for finance: the oldest one is aged past the MDF claim SLA."""
    waiting = list(MdfClaim.objects.filter(partner=partner, status=ClaimStatus.SUBMITTED).order_by("pk"))
    if waiting:
        target = _business_days_ago(settings.MDF_CLAIM_SLA_BUSINESS_DAYS + 2)
        oldest = waiting[0]
        if clock.due_at(oldest.created_at, settings.MDF_CLAIM_SLA_BUSINESS_DAYS) > timezone.now():
            MdfClaim.objects.filter(pk=oldest.pk).update(created_at=target)
    return len(waiting)
