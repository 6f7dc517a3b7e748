"""Tier figures convert every deal at its close date's rate; a deal with no rate is listed as unconverted
and finance is alerted, never silently left out (docs/fx.md: Missing rates)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from deals.models import DealSource, DealStatus
from fx.models import ExchangeRate
from partners import tier_engine, tier_review
from prm.models import DomainEvent
from prm.periods import quarter_of
from tests.deals.factories import DealFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def mixed_deals(partner):
    today = timezone.localdate()
    close = today - timedelta(days=30)
    ExchangeRate.objects.create(currency="EUR", rate=D("1.10"), effective_from=close - timedelta(days=10))
    for amount, currency in (("100000.00", "USD"), ("50000.00", "EUR"), ("20000.00", "CHF"), ("5000.00", "CHF")):
        DealFactory(
            partner=partner,
            source=DealSource.PARTNER,
            status=DealStatus.WON,
            amount=D(amount),
            currency=currency,
            close_date=close,
        )
    return close


def test_sourced_bookings_convert_and_list_what_has_no_rate(partner, mixed_deals):
    since, until = tier_engine.window(timezone.localdate())
    # 100,000 USD + 50,000 EUR x 1.10 = 155,000.00 USD; the CHF deals have no rate.
    assert tier_engine.measure("sourced_bookings", [partner.pk], since, until)[partner.pk] == D("155000.00")
    assert tier_engine.unconverted("sourced_bookings", [partner.pk], since, until) == {
        partner.pk: [{"currency": "CHF", "records": 2, "amount": D("25000.00")}]
    }
    event = DomainEvent.objects.get(name="fx.rate_missing")
    assert event.payload == {"currency": "CHF", "since": mixed_deals.isoformat(), "where": "tier figures"}


# PostgreSQL's numeric keeps the two places of a summed amount; SQLite's sum drops them.
@pytest.mark.postgres
def test_the_tier_panel_and_the_review_show_the_unconverted_amounts(partner, mixed_deals):
    rows = {r["metric"]: r for r in tier_engine.tier_progress(partner)["requirements"]}
    assert rows["sourced_bookings"]["unconverted"] == [{"currency": "CHF", "records": 2, "amount": D("25000.00")}]
    proposal = next(
        p
        for p in tier_review.propose(partners=[partner], quarter=quarter_of(timezone.localdate()))
        if p.partner == partner
    )
    assert proposal.measurements["sourced_bookings"] == "155000.00"
    assert proposal.measurements["sourced_bookings_unconverted"] == "25000.00 CHF"
