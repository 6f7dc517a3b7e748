"""A small program whose KPIs are computed by hand in the tests (tests/analytics/test_kpis.py)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role
from commissions.models import BatchStatus, CommissionEntry, EntryKind, EntryStatus, PayoutBatch
from deals.models import DealSource, DealStatus, DealType, Influence, Lead, LeadStatus
from enablement.models import Certificate, CertificateStatus
from mdf.models import ClaimStatus, Fund, MdfClaim, MdfRequest, RequestStatus
from partners.models import JointBusinessPlan
from prm.periods import _add_months, month_of, quarter_of
from tests.deals.factories import DealFactory
from tests.enablement.factories import CertificationFactory
from tests.factories import InternalUserFactory, UserFactory
from tests.mdf.factories import ActivityTypeFactory


def fixture_month():
    """The month the fixture's activity happens in: three months before the running one."""
    today = timezone.localdate()
    return month_of(_add_months(today.replace(day=1), -3))


def at(day, hour=12):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def deal(partner, *, status, amount, close=None, submitted=None, decided=None, currency="USD", **extra):
    return DealFactory(
        partner=partner,
        source=DealSource.PARTNER if partner else DealSource.DIRECT,
        registered_by=None,
        status=status,
        amount=Decimal(amount),
        currency=currency,
        close_date=close,
        submitted_at=at(submitted) if submitted else None,
        decided_at=at(decided) if decided else None,
        protected_until=None,
        **extra,
    )


def build(partner, other_partner):
    """Acme's figures in the fixture month (see test_kpis for the hand computation)."""
    month = fixture_month()
    d0 = month.start
    manager = InternalUserFactory(role=Role.CHANNEL_MANAGER)
    activity = ActivityTypeFactory()
    requester = UserFactory(partner=partner)
    mdf_request = MdfRequest.objects.create(
        partner=partner,
        activity_type=activity,
        title="Webinar",
        start_date=d0,
        end_date=d0 + timedelta(days=2),
        total_cost=Decimal("8000"),
        requested_amount=Decimal("4000"),
        approved_amount=Decimal("4000"),
        status=RequestStatus.COMPLETED,
        requested_by=requester,
        decided_by=manager,
        decided_at=at(d0 + timedelta(days=1)),
    )
    MdfClaim.objects.create(
        request=mdf_request,
        partner=partner,
        actual_cost=Decimal("4000"),
        claimed_amount=Decimal("2000"),
        approved_amount=Decimal("2000"),
        status=ClaimStatus.PAID,
        payment_reference="PAY-1",
        submitted_by=requester,
        decided_by=manager,
        decided_at=at(d0 + timedelta(days=3)),
        paid_at=at(d0 + timedelta(days=4)),
    )
    # The month's fund: 5,000 accrued + 3,000 allocated earned; 2,000 still committed + 2,000 paid invested.
    Fund.objects.create(
        partner=partner,
        period=month.key,
        period_start=d0,
        period_end=month.end - timedelta(days=1),
        expires_at=month.end + timedelta(days=90),
        currency="USD",
        accrued=Decimal("5000"),
        allocated=Decimal("3000"),
        committed=Decimal("2000"),
        paid=Decimal("2000"),
        available=Decimal("4000"),
    )
    won_a = deal(
        partner,
        status=DealStatus.WON,
        amount="10000",
        submitted=d0 + timedelta(days=1),
        decided=d0 + timedelta(days=2),
        close=d0 + timedelta(days=11),
        deal_type=DealType.NEW_BUSINESS,
        mdf_request=mdf_request,
    )
    won_b = deal(
        partner,
        status=DealStatus.WON,
        amount="30000",
        submitted=d0 + timedelta(days=2),
        decided=d0 + timedelta(days=3),
        close=d0 + timedelta(days=22),
        deal_type=DealType.RENEWAL,
    )
    lost_c = deal(
        partner,
        status=DealStatus.LOST,
        amount="5000",
        submitted=d0 + timedelta(days=1),
        decided=d0 + timedelta(days=2),
        close=d0 + timedelta(days=5),
    )
    won_eur = deal(
        partner, status=DealStatus.WON, amount="7000", currency="EUR", submitted=d0, close=d0 + timedelta(days=6)
    )
    # Deals Acme influenced: Globex's won deal (two influence kinds, counted once), a direct won deal,
    # and Globex's open deal (influenced pipeline); Acme's own deal with an influence row counts as sourced only.
    globex_won = deal(other_partner, status=DealStatus.WON, amount="50000", close=d0 + timedelta(days=3))
    direct_won = deal(None, status=DealStatus.WON, amount="20000", close=d0 + timedelta(days=4))
    globex_open = deal(other_partner, status=DealStatus.APPROVED, amount="8000", decided=d0)
    for target, kind in [
        (globex_won, "endorsement"),
        (globex_won, "active_in_sale"),
        (direct_won, "endorsement"),
        (globex_open, "integration_requirement"),
        (won_a, "endorsement"),
    ]:
        Influence.objects.create(deal=target, partner=partner, kind=kind, created_at=at(d0 + timedelta(days=5)))
    # Leads: three passed in the month, two accepted, one returned for missing the SLA.
    for status in (LeadStatus.ACCEPTED, LeadStatus.ACCEPTED, LeadStatus.RETURNED):
        Lead.objects.create(
            partner=partner,
            created_by=manager,
            customer_name="Lead customer",
            customer_country="US",
            status=status,
            assigned_at=at(d0 + timedelta(days=2)),
        )
    # Certified people at the month's end: two (one holds two certificates); expired and revoked don't count.
    cert1, cert2 = CertificationFactory(), CertificationFactory()
    alice, bob, carol, dave = (UserFactory(partner=partner) for _ in range(4))
    for user, certification, issued, expires, status in [
        (alice, cert1, d0 - timedelta(days=30), month.end + timedelta(days=300), CertificateStatus.VALID),
        (alice, cert2, d0 - timedelta(days=30), month.end + timedelta(days=300), CertificateStatus.VALID),
        (bob, cert1, d0 + timedelta(days=3), month.end + timedelta(days=10), CertificateStatus.EXPIRED),
        (carol, cert1, d0 - timedelta(days=400), d0 + timedelta(days=10), CertificateStatus.EXPIRED),
        (dave, cert1, d0 - timedelta(days=30), month.end + timedelta(days=300), CertificateStatus.REVOKED),
    ]:
        Certificate.objects.create(
            certification=certification,
            user=user,
            partner=partner,
            issued_at=at(issued),
            expires_at=at(expires),
            status=status,
        )
    # Commissions: 1,000 paid in the month; 500 pending and a 200 clawback earned in it and not paid: 300 owed.
    batch = PayoutBatch.objects.create(
        partner=partner,
        status=BatchStatus.PAID,
        total=Decimal("1000"),
        currency="USD",
        paid_at=at(d0 + timedelta(days=8)),
    )
    paid = CommissionEntry.objects.create(
        partner=partner,
        kind=EntryKind.ADJUSTMENT,
        status=EntryStatus.PAID,
        earned_on=d0 - timedelta(days=20),
        base_amount=Decimal("1000"),
        amount=Decimal("1000"),
        currency="USD",
        batch=batch,
        paid_at=at(d0 + timedelta(days=8)),
    )
    CommissionEntry.objects.create(
        partner=partner,
        kind=EntryKind.ADJUSTMENT,
        status=EntryStatus.PENDING,
        earned_on=d0 + timedelta(days=9),
        base_amount=Decimal("500"),
        amount=Decimal("500"),
        currency="USD",
    )
    CommissionEntry.objects.create(
        partner=partner,
        kind=EntryKind.CLAWBACK,
        status=EntryStatus.APPROVED,
        original=paid,
        earned_on=d0 + timedelta(days=9),
        base_amount=Decimal("-200"),
        amount=Decimal("-200"),
        currency="USD",
    )
    JointBusinessPlan.objects.create(
        partner=partner, period=quarter_of(d0).key, certified_people_target=5, sourced_bookings_target=Decimal("100000")
    )
    return {"month": month, "won_a": won_a, "won_b": won_b, "lost_c": lost_c, "won_eur": won_eur}
