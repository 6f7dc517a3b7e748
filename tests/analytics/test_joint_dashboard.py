"""The joint partner dashboard: shared with the partner's users, 404 for other partners, bounded queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.scorecards.scoring import compute_scorecards, current_quarter, quarters_ending
from commissions.models import CommissionEntry
from deals.models import DealStatus
from enablement.models import Certificate
from partners.models import JointBusinessPlan
from tests.analytics.scorecard_helpers import snapshot
from tests.commissions.factories import EntryFactory
from tests.deals.factories import DealFactory
from tests.enablement.factories import CertificationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = current_quarter().key


def url(partner):
    return reverse("analytics:joint_dashboard", args=[partner.pk])


@pytest.fixture
def busy(partner, partner_admin, channel_manager):
    """Eight quarters of KPIs, a plan, deals in three stages, certificates and commissions."""
    for i, q in enumerate(quarters_ending(NOW, 8)):
        snapshot(
            partner,
            q.key,
            sourced_bookings=Decimal(10000 * (i + 1)),
            influenced_bookings=Decimal(5000),
            registered_deals=i + 1,
            win_rate=Decimal("0.4000"),
            certified_people=3,
        )
    JointBusinessPlan.objects.create(
        partner=partner,
        period=NOW,
        sourced_bookings_target=Decimal("160000.00"),
        registered_deals_target=16,
        certified_people_target=6,
        co_marketing_activities_target=4,
        partner_owner=partner_admin,
        vendor_owner=channel_manager,
    )
    for status in (DealStatus.APPROVED, DealStatus.APPROVED, DealStatus.WON, DealStatus.LOST):
        DealFactory(partner=partner, status=status)
    now = timezone.now()
    for days in (10, 200):
        Certificate.objects.create(
            certification=CertificationFactory(),
            user=UserFactory(partner=partner),
            partner=partner,
            issued_at=now - timedelta(days=100),
            expires_at=now + timedelta(days=days),
        )
    EntryFactory(partner=partner, amount=Decimal("1234.50"))
    compute_scorecards(periods=[NOW], partner_ids=[partner.pk])
    return partner


def test_the_partner_admin_sees_kpis_against_plan_targets_and_every_panel(client_for, busy, partner_admin):
    response = client_for(partner_admin).get(url(busy))
    assert response.status_code == 200
    context = response.context
    targets = {row["name"]: row for row in context["targets"]}
    assert targets["Sourced bookings"]["actual"] == Decimal("80000.00")
    assert targets["Sourced bookings"]["percent"] == 50
    assert targets["Registered deals"]["percent"] == 50
    assert len(context["bookings_chart"]["labels"]) == 8
    assert context["bookings_chart"]["datasets"][0]["data"][-1] == 80000.0
    assert dict(context["stages"])["Approved"] == 2
    assert context["certs"] == {"valid": 2, "expiring": 1}
    assert context["card"].period == NOW
    assert context["earnings"] is not None
    assert "tier_progress" in context
    body = response.content.decode()
    for marker in ("tier-progress", "scorecard-total", "joint-deals", "joint-certs", "joint-earnings"):
        assert marker in body


def test_partner_users_see_their_dashboard_without_earnings(client_for, busy, partner_user):
    response = client_for(partner_user).get(url(busy))
    assert response.status_code == 200
    assert response.context["earnings"] is None
    assert "shown to your organisation's admins" in response.content.decode()
    assert CommissionEntry.objects.filter(partner=busy).exists()


def test_another_partners_users_get_404(client_for, busy, other_partner_user):
    assert client_for(other_partner_user).get(url(busy)).status_code == 404


@pytest.mark.parametrize("role", ["channel_manager", "finance_user", "program_admin"])
def test_internal_users_see_any_partners_dashboard(client_for, busy, role, request):
    assert client_for(request.getfixturevalue(role)).get(url(busy)).status_code == 200


def test_an_unknown_partner_is_404_and_visitors_log_in(client, client_for, busy, program_admin):
    assert client.get(url(busy)).status_code == 302
    assert client_for(program_admin).get(reverse("analytics:joint_dashboard", args=[999999])).status_code == 404


def test_the_dashboard_without_any_data_still_renders(client_for, partner_admin, partner):
    response = client_for(partner_admin).get(url(partner))
    assert response.status_code == 200
    assert "No joint business plan" in response.content.decode()


@pytest.mark.parametrize("role", ["partner_admin", "program_admin"])
def test_the_dashboard_query_count_is_bounded(client_for, busy, role, request, django_assert_max_num_queries):
    for _ in range(20):
        DealFactory(partner=busy, status=DealStatus.APPROVED)
    client = client_for(request.getfixturevalue(role))
    client.get(url(busy))
    with django_assert_max_num_queries(35):
        assert client.get(url(busy)).status_code == 200


def test_the_profile_and_partner_home_link_to_the_dashboard(client_for, partner_admin, partner):
    client = client_for(partner_admin)
    assert url(partner) in client.get(reverse("partners:detail", args=[partner.pk])).content.decode()
    assert url(partner) in client.get(reverse("home")).content.decode()


def test_money_in_several_currencies_is_shown_per_currency_and_never_added_up(client_for, partner_admin, partner):
    # Approved, to be paid: 100,000 USD, 20,000 EUR and 8,700 GBP - the old card showed 128,700.00.
    for amount, currency in (("100000.00", "USD"), ("20000.00", "EUR"), ("8700.00", "GBP")):
        EntryFactory(partner=partner, amount=Decimal(amount), currency=currency, status="approved")
    EntryFactory(partner=partner, amount=Decimal("500.00"), currency="EUR", status="pending")
    # A won deal of this quarter in a currency finance has no rate for.
    DealFactory(
        partner=partner,
        status=DealStatus.WON,
        amount=Decimal("12000.00"),
        currency="CHF",
        close_date=timezone.localdate(),
    )
    response = client_for(partner_admin).get(url(partner))
    earnings = {row["currency"]: row for row in response.context["earnings"]}
    assert {c: (r["pending"], r["approved"]) for c, r in earnings.items()} == {
        "EUR": (Decimal("500.00"), Decimal("20000.00")),
        "GBP": (Decimal("0.00"), Decimal("8700.00")),
        "USD": (Decimal("0.00"), Decimal("100000.00")),
    }
    body = response.content.decode()
    assert "128700.00" not in body.replace(",", "")
    assert response.context["unconverted"] == [{"currency": "CHF", "records": 1, "amount": Decimal("12000.00")}]
    assert 'data-testid="joint-unconverted"' in body
