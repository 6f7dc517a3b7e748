"""Program totals convert other currencies at finance's effective-dated rates (analytics rollups)."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest

from analytics import services as analytics_services
from analytics.models import KpiSnapshot
from commissions.models import EntryStatus
from deals.models import DealStatus, DealType, Influence
from fx import selectors
from fx.models import ExchangeRate
from prm.periods import month_of, quarter_of
from tests.analytics.kpi_fixture import at, build, deal, fixture_month
from tests.commissions.factories import EntryFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def rate(currency, value, day, **extra):
    return ExchangeRate.objects.create(currency=currency, rate=Decimal(value), effective_from=day, **extra)


def snapshot(partner, period):
    return KpiSnapshot.objects.get(partner=partner, period=period.key)


def test_rate_on_takes_the_latest_rate_in_force_and_the_latest_correction_of_a_day():
    d0 = fixture_month().start
    rate("EUR", "1.10000000", d0 - timedelta(days=30))
    rate("EUR", "1.20000000", d0)
    corrected = rate("EUR", "1.25000000", d0)
    assert selectors.rate_on("EUR", d0 - timedelta(days=31)) is None
    assert selectors.rate_on("EUR", d0 - timedelta(days=30)) == Decimal("1.1")
    assert selectors.rate_on("EUR", d0 - timedelta(days=1)) == Decimal("1.1")
    assert selectors.rate_on("EUR", d0) == corrected.rate == Decimal("1.25")
    assert selectors.rate_on("EUR", d0 + timedelta(days=400)) == Decimal("1.25")
    assert selectors.rate_on("GBP", d0) is None
    assert selectors.rate_on("USD", d0) == Decimal(1)
    assert selectors.convert(Decimal("1234.57"), "EUR", d0 - timedelta(days=2)) == Decimal("1358.03")
    assert selectors.convert(Decimal("10"), "GBP", d0) is None
    assert selectors.rates_in_force(d0)["EUR"].pk == corrected.pk


def test_eur_and_gbp_deals_convert_at_the_rate_of_their_close_date(partner):
    assert_eur_and_gbp_deals_convert_at_the_rate_of_their_close_date(partner)


def assert_eur_and_gbp_deals_convert_at_the_rate_of_their_close_date(partner):
    """Hand computation (program currency USD):
    - USD 2,000.00 won on d0+1: 2,000.00
    - EUR 1,234.57 won on d0+2 at 1.0850 (from d0-60): 1,339.508... -> 1,339.51
    - EUR 500.00 won on d0+15 at 1.2000 (from d0+10): 600.00
    - GBP 800.00 won on d0+5 at 1.2650 (from d0): 1,012.00
    - GBP 300.00 won on d0-5 (previous month) before the first GBP rate (d0): left out, counted.
    Sourced bookings of the month: 2,000.00 + 1,339.51 + 600.00 + 1,012.00 = 4,951.51 from 4 won deals.
    """
    month = fixture_month()
    d0 = month.start
    rate("EUR", "1.08500000", d0 - timedelta(days=60))
    rate("EUR", "1.20000000", d0 + timedelta(days=10))
    rate("GBP", "1.26500000", d0)
    deal(partner, status=DealStatus.WON, amount="2000.00", close=d0 + timedelta(days=1))
    deal(partner, status=DealStatus.WON, amount="1234.57", currency="EUR", close=d0 + timedelta(days=2))
    deal(
        partner,
        status=DealStatus.WON,
        amount="500.00",
        currency="EUR",
        close=d0 + timedelta(days=15),
        deal_type=DealType.EXPANSION,
    )
    deal(partner, status=DealStatus.WON, amount="800.00", currency="GBP", close=d0 + timedelta(days=5))
    deal(partner, status=DealStatus.WON, amount="300.00", currency="GBP", close=d0 - timedelta(days=5))

    analytics_services.rebuild_kpis()

    row = snapshot(partner, month)
    assert row.sourced_bookings == Decimal("4951.51")
    assert row.won_deals == 4
    assert row.expansion_bookings == Decimal("600.00")
    assert row.new_bookings == Decimal("4351.51")
    assert row.average_deal_size == Decimal("1237.88")  # 4,951.51 / 4, half-up
    assert row.other_currency_records == 0
    assert row.currency == "USD"

    before = snapshot(partner, month_of(d0 - timedelta(days=1)))
    assert before.sourced_bookings == 0 and before.won_deals == 0
    assert before.other_currency_records == 1  # the GBP deal with no rate on its close date

    quarter = quarter_of(d0)
    q = KpiSnapshot.objects.get(partner=partner, period=quarter.key)
    months = KpiSnapshot.objects.filter(partner=partner, period_kind="month", period_start__gte=quarter.start)
    months = months.filter(period_start__lt=quarter.end)
    assert q.sourced_bookings == sum(m.sourced_bookings for m in months)
    assert q.other_currency_records == sum(m.other_currency_records for m in months)


def test_a_record_without_a_rate_is_left_out_of_amounts_and_counts_and_counted(partner):
    month = fixture_month()
    d0 = month.start
    # Registered = accepted by the vendor, dated by the decision (docs/figures.md).
    deal(
        partner,
        status=DealStatus.WON,
        amount="900.00",
        currency="CAD",
        close=d0 + timedelta(days=3),
        submitted=d0,
        decided=d0,
    )
    deal(partner, status=DealStatus.LOST, amount="100.00", currency="CAD", close=d0 + timedelta(days=4))
    analytics_services.rebuild_kpis()
    row = snapshot(partner, month)
    assert row.sourced_bookings == 0 and row.won_deals == 0 and row.lost_deals == 0
    assert row.registered_deals == 0 and row.registered_value == 0
    assert row.other_currency_records == 3  # won, registered, lost

    # Finance records a CAD rate from before those dates: the next rebuild converts them.
    rate("CAD", "0.73000000", d0 - timedelta(days=1))
    analytics_services.rebuild_kpis()
    row = snapshot(partner, month)
    assert row.sourced_bookings == Decimal("657.00") and row.won_deals == 1 and row.lost_deals == 1
    assert row.registered_deals == 1 and row.registered_value == Decimal("657.00")
    assert row.win_rate == Decimal("0.5000")
    assert row.other_currency_records == 0


def test_a_rate_starting_on_the_close_date_applies_and_one_starting_the_day_after_does_not(partner):
    month = fixture_month()
    d0 = month.start
    close = d0 + timedelta(days=6)
    rate("EUR", "1.10000000", close)
    rate("GBP", "1.30000000", close + timedelta(days=1))
    deal(partner, status=DealStatus.WON, amount="100.00", currency="EUR", close=close)
    deal(partner, status=DealStatus.WON, amount="100.00", currency="GBP", close=close)
    analytics_services.rebuild_kpis()
    row = snapshot(partner, month)
    assert row.sourced_bookings == Decimal("110.00") and row.other_currency_records == 1


def test_influence_mdf_and_commission_amounts_convert_at_their_own_dates(partner, other_partner):
    month = fixture_month()
    d0 = month.start
    rate("EUR", "1.10000000", d0 - timedelta(days=90))
    rate("EUR", "1.20000000", d0 + timedelta(days=10))
    won = deal(other_partner, status=DealStatus.WON, amount="1000.00", currency="EUR", close=d0 + timedelta(days=12))
    Influence.objects.create(deal=won, partner=partner, kind="endorsement", created_at=at(d0 + timedelta(days=1)))
    EntryFactory(partner=partner, status=EntryStatus.PENDING, amount=Decimal("50.00"), currency="EUR", earned_on=d0)
    EntryFactory(
        partner=partner,
        status=EntryStatus.PENDING,
        amount=Decimal("-10.00"),
        currency="EUR",
        earned_on=d0 + timedelta(days=11),
    )
    analytics_services.rebuild_kpis()
    row = snapshot(partner, month)
    assert row.influenced_bookings == Decimal("1200.00")  # close date d0+12: 1.20
    assert row.commission_owed == Decimal("43.00")  # 50 x 1.10 - 10 x 1.20
    assert row.other_currency_records == 0
    assert snapshot(other_partner, month).sourced_bookings == Decimal("1200.00")


def test_full_and_incremental_rebuilds_agree_with_converted_currencies(partner, other_partner):
    build(partner, other_partner)
    extra = [PartnerFactory() for _ in range(2)]
    everyone = [partner, other_partner, *extra]
    d0 = fixture_month().start
    rate("EUR", "1.08000000", d0 - timedelta(days=120))
    rate("EUR", "1.12000000", d0 - timedelta(days=40))
    rate("GBP", "1.27000000", d0 - timedelta(days=60))
    analytics_services.rebuild_kpis()
    rng = random.Random(12)  # noqa: S311
    touched = set()
    for step in range(20):
        who = rng.choice(everyone)
        day = d0 - timedelta(days=rng.randint(0, 200))
        status = rng.choice([DealStatus.WON, DealStatus.LOST, DealStatus.APPROVED])
        made = deal(
            who,
            status=status,
            amount=f"{rng.randint(100, 90000)}.{rng.randint(0, 99):02d}",
            submitted=day - timedelta(days=rng.randint(0, 40)),
            decided=day,
            close=day if status != DealStatus.APPROVED else None,
            currency=rng.choice(["USD", "EUR", "GBP", "AUD"]),
        )
        touched.add(who.pk)
        if step % 3 == 0:
            influencer = rng.choice([p for p in everyone if p != who])
            Influence.objects.create(deal=made, partner=influencer, kind="endorsement", created_at=at(day))
            touched.add(influencer.pk)

    def table():
        fields = [f.attname for f in KpiSnapshot._meta.concrete_fields if f.attname not in {"id", "computed_at"}]
        return {(r["partner_id"], r["period"]): r for r in KpiSnapshot.objects.values(*fields)}

    analytics_services.rebuild_kpis(partner_ids=touched)
    incremental = table()
    analytics_services.rebuild_kpis()
    full = table()
    assert incremental == full
    assert any(r["other_currency_records"] for r in full.values())  # AUD has no rate
    assert sum(r["sourced_bookings"] for r in full.values()) > 0


def test_program_sum_helpers_convert_in_grouped_queries(partner, other_partner):
    from deals.models import DealRegistration

    d0 = fixture_month().start
    rate("EUR", "1.50000000", d0)
    deal(partner, status=DealStatus.WON, amount="100.00", currency="EUR", close=d0)
    deal(partner, status=DealStatus.WON, amount="10.00", currency="USD", close=d0)
    deal(other_partner, status=DealStatus.WON, amount="100.00", currency="EUR", close=d0 - timedelta(days=1))
    rows = {
        row["partner_id"]: row
        for row in DealRegistration.objects.values("partner_id").annotate(
            total=selectors.program_sum("amount", "close_date"), left_out=selectors.unconverted_count("close_date")
        )
    }
    assert rows[partner.pk]["total"] == Decimal("160.00") and rows[partner.pk]["left_out"] == 0
    assert rows[other_partner.pk]["total"] is None and rows[other_partner.pk]["left_out"] == 1


@pytest.mark.postgres
def test_conversion_on_postgresql(partner):
    """The same hand computation on PostgreSQL (numeric rounding, the as-of subquery, jit off)."""
    assert_eur_and_gbp_deals_convert_at_the_rate_of_their_close_date(partner)
