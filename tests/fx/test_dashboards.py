"""Dashboards say which rates converted other currencies; commission totals never mix currencies."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.services import rebuild_kpis
from commissions.models import EntryStatus
from deals.models import DealStatus
from fx.models import ExchangeRate
from prm.periods import quarter_of
from tests.analytics.kpi_fixture import deal, fixture_month
from tests.commissions.factories import EntryFactory

pytestmark = pytest.mark.django_db


def test_the_program_dashboard_names_the_rates_used_and_counts_what_was_left_out(partner, client_for, program_admin):
    month = fixture_month()
    d0 = month.start
    ExchangeRate.objects.create(currency="EUR", rate=Decimal("1.10000000"), effective_from=d0 - timedelta(days=400))
    ExchangeRate.objects.create(currency="EUR", rate=Decimal("1.20000000"), effective_from=d0 + timedelta(days=3))
    deal(partner, status=DealStatus.WON, amount="1000.00", currency="EUR", close=d0 + timedelta(days=5))
    deal(partner, status=DealStatus.WON, amount="1000.00", currency="JPY", close=d0 + timedelta(days=5))
    rebuild_kpis()
    page = client_for(program_admin).get("/analytics/", {"period": quarter_of(d0).key}).content.decode()
    assert 'data-testid="fx-note"' in page and "at finance's rates" in page
    assert "1 EUR = 1.1000 USD" in page and "1 EUR = 1.2000 USD" in page
    assert "1 record in other currencies not included" in page
    assert "$1,200.00" in page  # sourced bookings of the quarter: the EUR deal at 1.20
    assert 'href="/fx/rates/"' in page


def test_the_joint_dashboard_explains_the_conversion(partner, client_for, partner_admin):
    page = client_for(partner_admin).get(f"/partners/{partner.pk}/dashboard/").content.decode()
    assert 'data-testid="joint-currency-note"' in page and "Amounts are in USD" in page


def test_finance_sees_commissions_owed_per_currency(partner, client_for, finance_user):
    EntryFactory(partner=partner, status=EntryStatus.PENDING, amount=Decimal("100.00"), currency="USD")
    EntryFactory(partner=partner, status=EntryStatus.APPROVED, amount=Decimal("40.00"), currency="EUR")
    EntryFactory(partner=partner, status=EntryStatus.PENDING, amount=Decimal("60.00"), currency="USD")
    page = client_for(finance_user).get("/commissions/").content.decode()
    assert "€40.00 + $160.00" in page and "200.00" not in page


def test_a_partner_admins_earnings_keep_other_currencies_apart(partner, client_for, partner_admin):
    today = timezone.localdate()
    EntryFactory(partner=partner, status=EntryStatus.PENDING, amount=Decimal("100.00"), currency="USD", earned_on=today)
    EntryFactory(partner=partner, status=EntryStatus.PENDING, amount=Decimal("70.00"), currency="GBP", earned_on=today)
    response = client_for(partner_admin).get("/commissions/earnings/")
    assert response.status_code == 200
    assert response.context["pending"] == Decimal("100.00")
    assert response.context["other_currencies"] == [
        {"currency": "GBP", "pending": Decimal("70.00"), "approved": Decimal("0.00"), "paid": Decimal("0.00")}
    ]
    assert 'data-testid="earnings-other-currencies"' in response.content.decode()
