"""A KPI rollup that leaves records out for want of a rate alerts finance, once per currency until a rate
is recorded (docs/fx.md: Missing rates)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from analytics.services import rebuild_kpis
from deals.models import DealStatus
from fx.models import ExchangeRate
from prm.models import DomainEvent
from tests.analytics.kpi_fixture import deal, fixture_month

pytestmark = pytest.mark.django_db


def alerts():
    return list(DomainEvent.objects.filter(name="fx.rate_missing").order_by("pk").values_list("payload", flat=True))


def test_the_rollup_alerts_finance_about_a_currency_without_a_rate(partner):
    close = fixture_month().start + timedelta(days=3)
    deal(partner, status=DealStatus.WON, amount="12000", currency="CHF", close=close)
    rebuild_kpis()
    assert alerts() == [{"currency": "CHF", "since": close.isoformat(), "where": "KPI rollup"}]
    rebuild_kpis(partner_ids=[partner.pk])
    assert len(alerts()) == 1  # already told
    # A rate from a later day does not cover the deal: finance is told again after recording it.
    ExchangeRate.objects.create(currency="CHF", rate=Decimal("1.12"), effective_from=close + timedelta(days=5))
    rebuild_kpis()
    assert len(alerts()) == 2
    ExchangeRate.objects.create(currency="CHF", rate=Decimal("1.11"), effective_from=close)
    rebuild_kpis()
    assert len(alerts()) == 2
