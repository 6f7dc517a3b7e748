"""Helpers for the partner lifecycle tests: fake providers for the tier engine."""

from decimal import Decimal

import pytest

from partners import tier_engine


@pytest.fixture
def fake_metrics():
    """Set measured values per partner: fake_metrics({partner.pk: {"registered_deals": 5}}).

    Replaces every provider for the test and restores the real registry afterwards."""
    saved = dict(tier_engine._PROVIDERS)
    table: dict[int, dict[str, Decimal]] = {}
    calls: list[tuple[str, int]] = []

    def make(metric):
        def provider(ids, since, until):
            calls.append((metric, len(ids)))
            return {pid: Decimal(table.get(pid, {}).get(metric, 0)) for pid in ids}

        return provider

    for metric in tier_engine.RequirementMetric.values:
        tier_engine._PROVIDERS[metric] = make(metric)

    def set_values(values: dict):
        for partner_id, metrics in values.items():
            table.setdefault(partner_id, {}).update({k: Decimal(v) for k, v in metrics.items()})

    set_values.calls = calls
    yield set_values
    tier_engine._PROVIDERS.clear()
    tier_engine._PROVIDERS.update(saved)


SILVER = {
    "sourced_bookings": 100000,
    "sales_certified_people": 2,
    "technical_certified_people": 1,
    "registered_deals": 5,
    "scorecard_score": 50,
}
GOLD = {
    "sourced_bookings": 500000,
    "sales_certified_people": 4,
    "technical_certified_people": 2,
    "registered_deals": 15,
    "reference_implementations": 1,
    "scorecard_score": 65,
}


@pytest.fixture
def today(monkeypatch):
    """Freeze the local date: today(date(2027, 1, 1)). Every `timezone.localdate()` without an argument
    (services, selectors, the scheduled task) answers that day; a call with a value converts it as usual."""
    from django.utils import timezone

    real = timezone.localdate

    def freeze(day):
        monkeypatch.setattr(
            timezone, "localdate", lambda value=None, timezone=None: day if value is None else real(value, timezone)
        )
        return day

    return freeze
