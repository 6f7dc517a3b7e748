"""The fx demo: quarterly EUR, GBP, CAD and AUD rates over two years, idempotent."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.kpis import history_horizon
from demo import fx as fx_demo
from fx import selectors
from fx.models import ExchangeRate

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_quarterly_rates_once(finance_user):
    fx_demo.seed(seed=1, partners=3, stdout=io.StringIO())
    assert ExchangeRate.objects.count() == 4 * fx_demo.QUARTERS
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"EUR", "GBP", "CAD", "AUD"}
    today = timezone.localdate()
    assert selectors.rate_on("EUR", today) is not None
    first = fx_demo.quarter_starts(today)[0]
    assert first <= history_horizon(today).start  # the rates cover the whole KPI history
    assert selectors.rate_on("GBP", first - timedelta(days=1)) is None
    assert selectors.rate_on("GBP", first) is not None
    assert all(0 < rate < 2 for rate in ExchangeRate.objects.values_list("rate", flat=True))
    fx_demo.seed(seed=1, partners=3, stdout=io.StringIO())
    assert ExchangeRate.objects.count() == 4 * fx_demo.QUARTERS
