"""Measure tier requirements from live data (DESIGN.md: Tiers; issue on the partner lifecycle).

Each metric of `RequirementMetric` is measured by a provider that another app registers:
deals registers sourced bookings and registered deals, enablement the certified people, analytics the
scorecard score, partners itself the reference implementations. A provider is set-based: it takes
many partner ids and a window and returns {partner_id: value} in a few queries, never a query per
partner, so a quarterly review of thousands of partners stays fast. Until an app registers its provider,
the metric measures zero for everyone.
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from partners.models import RequirementMetric

Provider = Callable[[list[int], date, date], dict[int, Decimal]]

_PROVIDERS: dict[str, Provider] = {}


def register_provider(metric: str, provider: Provider) -> Provider:
    """Register the function that measures `metric` for partners over [since, until)."""
    if metric not in RequirementMetric.values:
        raise ValueError(f"unknown tier requirement metric {metric!r}")
    _PROVIDERS[metric] = provider
    return provider


def provides(metric: str):
    """Decorator form of register_provider."""

    def register(provider: Provider) -> Provider:
        return register_provider(metric, provider)

    return register


def measure(metric: str, partner_ids: Iterable[int], since: date, until: date) -> dict[int, Decimal]:
    """The metric's value for each partner; zero where the provider has nothing (or none exists yet)."""
    ids = list(partner_ids)
    provider = _PROVIDERS.get(metric)
    values = provider(ids, since, until) if provider else {}
    return {partner_id: Decimal(values.get(partner_id, 0)) for partner_id in ids}
