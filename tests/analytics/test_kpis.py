"""Every KPI against figures computed by hand on a small program (tests/analytics/kpi_fixture.py)."""

from decimal import Decimal

import pytest

from analytics.models import KpiSnapshot
from analytics.services import rebuild_kpis
from prm.periods import quarter_of
from tests.analytics.kpi_fixture import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(partner, other_partner):
    data = build(partner, other_partner)
    rebuild_kpis()
    return data


def snapshot(partner, period):
    return KpiSnapshot.objects.get(partner=partner, period=period)


def test_sourced_bookings_count_won_partner_deals_in_the_program_currency(partner, program):
    row = snapshot(partner, program["month"].key)
    assert row.sourced_bookings == Decimal("40000.00")
    assert row.won_deals == 2
    assert row.new_bookings == Decimal("10000.00")
    assert row.expansion_bookings == Decimal("30000.00")  # the renewal counts as expansion
    assert row.average_deal_size == Decimal("20000.00")


def test_influenced_bookings_count_each_other_or_direct_deal_once(partner, other_partner, program):
    row = snapshot(partner, program["month"].key)
    assert row.influenced_bookings == Decimal("70000.00")  # Globex 50,000 (two kinds) + direct 20,000
    assert row.influenced_pipeline == Decimal("8000.00")
    assert snapshot(other_partner, program["month"].key).sourced_bookings == Decimal("50000.00")


def test_win_rate_and_sales_cycle_days(partner, program):
    row = snapshot(partner, program["month"].key)
    assert row.lost_deals == 1
    assert row.win_rate == Decimal("0.6667")  # 2 / (2 + 1)
    assert row.cycle_days_total == 30  # 10 + 20 days from submission to close
    assert row.sales_cycle_days == Decimal("15.0")


def test_registered_deals_and_pipeline(partner, program):
    row = snapshot(partner, program["month"].key)
    assert row.registered_deals == 3 and row.registered_value == Decimal("45000.00")
    assert row.sourced_pipeline == Decimal("45000.00")  # approved in the month, whatever became of them
    # The EUR deal (no rate): counted once, as won; it was never accepted (no decision), so it is not a
    # registered deal and not counted a second time.
    assert row.other_currency_records == 1


def test_leads_certifications_mdf_and_commissions(partner, program):
    row = snapshot(partner, program["month"].key)
    assert (row.leads_assigned, row.leads_accepted, row.leads_expired) == (3, 2, 1)
    assert row.lead_acceptance_rate == Decimal("0.6667")
    assert row.certified_people == 2
    assert row.certified_target == 5
    assert row.mdf_committed == Decimal("4000.00") and row.mdf_spent == Decimal("2000.00")
    # Utilisation (mdf.selectors.utilisation) is of the month's fund: (2,000 committed + 2,000 paid) /
    # (5,000 accrued + 3,000 allocated) - not claims paid / requests approved (2,000 / 4,000, also 0.5).
    assert row.mdf_earned == Decimal("8000.00") and row.mdf_invested == Decimal("4000.00")
    assert row.mdf_utilisation == Decimal("0.5000") and row.mdf_available == Decimal("4000.00")
    assert row.mdf_pipeline == Decimal("10000.00")
    assert row.pipeline_per_mdf_dollar == Decimal("5.00")
    assert row.commission_paid == Decimal("1000.00")
    assert row.commission_owed == Decimal("300.00")  # 500 pending less the 200 clawback


def test_a_quarter_is_the_combination_of_its_months(partner, program):
    quarter = quarter_of(program["month"].start)
    months = KpiSnapshot.objects.filter(
        partner=partner, period_kind="month", period_start__gte=quarter.start, period_start__lt=quarter.end
    )
    row = snapshot(partner, quarter.key)
    assert row.sourced_bookings == sum(m.sourced_bookings for m in months) == Decimal("40000.00")
    assert row.won_deals == sum(m.won_deals for m in months)
    assert row.cycle_days_total == sum(m.cycle_days_total for m in months)
    assert row.win_rate == Decimal("0.6667")
    assert row.certified_people == max(months, key=lambda m: m.period_start).certified_people
    assert row.tier_id == partner.tier_id and row.region == partner.region


def test_a_period_without_activity_is_zero(partner, program):
    row = KpiSnapshot.objects.filter(partner=partner, period_kind="month").exclude(period=program["month"].key).first()
    assert row.sourced_bookings == 0 and row.win_rate is None and row.average_deal_size is None


# The fund's CHECK constraint is exact in PostgreSQL's numeric; SQLite evaluates it in floating point.
@pytest.mark.postgres
def test_a_month_paying_claims_against_a_tiny_commitment_does_not_overflow(partner):
    from mdf.models import Fund
    from tests.analytics.kpi_fixture import fixture_month

    month = fixture_month()
    # Accrued 90,000.01, then 90,000 of it owed back (recovery): 0.01 still earned, 90,000 paid out.
    Fund.objects.create(
        partner=partner,
        period=month.key,
        period_start=month.start,
        period_end=month.end,
        expires_at=month.end,
        currency="USD",
        accrued=Decimal("0.01"),
        recovery_owed=Decimal("90000"),
        paid=Decimal("90000"),
        available=Decimal("0.01"),
    )
    rebuild_kpis()
    assert snapshot(partner, fixture_month().key).mdf_utilisation == Decimal("999.9999")
