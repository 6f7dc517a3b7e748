"""Program influenced bookings count each deal once; each partner still gets its own full credit
(docs/fx.md: Program influenced bookings)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from analytics import selectors, services
from analytics.models import KpiSnapshot
from deals.models import DealStatus, Influence
from prm.periods import quarter_of
from tests.analytics.kpi_fixture import at, deal, fixture_month
from tests.analytics.test_rollups import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_deal(partner, other_partner):
    """A direct deal of 75,000 won in the fixture month, influenced by both partners (one of them twice)."""
    d0 = fixture_month().start
    won = deal(None, status=DealStatus.WON, amount="75000", close=d0 + timedelta(days=10), decided=d0)
    for who, kind in ((partner, "endorsement"), (other_partner, "active_in_sale"), (partner, "active_in_sale")):
        Influence.objects.create(deal=won, partner=who, kind=kind, created_at=at(d0 + timedelta(days=2)))
    return won


def test_a_deal_influenced_by_two_partners_is_counted_once_at_program_level(
    partner, other_partner, shared_deal, api_for, channel_manager
):
    services.rebuild_kpis()
    quarter = quarter_of(fixture_month().start)
    # Each partner: the full 75,000 of credit.
    for who in (partner, other_partner):
        assert KpiSnapshot.objects.get(partner=who, period=quarter.key).influenced_bookings == Decimal("75000.00")
    # The program: 75,000, not 150,000 - on the dashboard totals, its trend and every grouping.
    data = selectors.program_dashboard(period=quarter)
    assert data["totals"]["influenced_bookings"] == Decimal("75000.00")
    assert data["trend"][-1]["influenced_bookings"] == Decimal("75000.00")
    for grouping in ("by_tier", "by_type", "by_region", "by_certs", "cohorts"):
        assert sum(row["influenced_bookings"] for row in data[grouping]) == Decimal("75000.00"), grouping
    # Top partners list each partner with its own credit.
    assert {row["influenced_bookings"] for row in data["top"]} == {Decimal("75000.00")}
    body = api_for(channel_manager).get("/api/v1/analytics/program/", {"period": quarter.key, "group_by": "tier"})
    assert sum(Decimal(g["influenced_bookings"]) for g in body.json()["groups"]) == Decimal("75000.00")


def test_incremental_equals_full_when_a_second_partner_influences_a_deal(partner, other_partner, shared_deal):
    Influence.objects.filter(deal=shared_deal, partner=other_partner).delete()
    services.rebuild_kpis()
    Influence.objects.create(
        deal=shared_deal, partner=other_partner, kind="endorsement", created_at=at(fixture_month().start)
    )
    services.rebuild_kpis(partner_ids={other_partner.pk})
    incremental = table()
    services.rebuild_kpis()
    assert incremental == table()
    quarter = quarter_of(fixture_month().start)
    assert selectors.program_dashboard(period=quarter)["totals"]["influenced_bookings"] == Decimal("75000.00")
