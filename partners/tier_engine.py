"""Measure tier requirements from live data (docs/tiers.md).

Each metric of `RequirementMetric` is measured by a provider that another app registers:
deals registers sourced bookings and registered deals, enablement the certified people, analytics the
scorecard score, partners itself the reference implementations. A provider is set-based: it takes
many partner ids and a window and returns {partner_id: value} in a few queries, never a query per
partner, so a quarterly review of thousands of partners stays fast. Until an app registers its provider,
the metric measures zero for everyone.
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from partners.models import ReferenceImplementation, RequirementMetric, Tier

Provider = Callable[[list[int], date, date], dict[int, Decimal]]

_PROVIDERS: dict[str, Provider] = {}
# Money metrics also say what they could not convert (no exchange rate for the day): {partner_id: [rows
# {"currency", "records", "amount"}]}; shown beside the figure, never silently left out (docs/fx.md).
_UNCONVERTED: dict[str, Callable[[list[int], date, date], dict[int, list[dict]]]] = {}


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


def reports_unconverted(metric: str):
    """Register the function that lists, per partner, the amounts `metric` could not convert."""

    def register(reporter):
        _UNCONVERTED[metric] = reporter
        return reporter

    return register


def unconverted(metric: str, partner_ids: Iterable[int], since: date, until: date) -> dict[int, list[dict]]:
    """{partner_id: rows} of the amounts the metric left unconverted (empty for other metrics)."""
    reporter = _UNCONVERTED.get(metric)
    return reporter(list(partner_ids), since, until) if reporter else {}


def measure(metric: str, partner_ids: Iterable[int], since: date, until: date) -> dict[int, Decimal]:
    """The metric's value for each partner; zero where the provider has nothing (or none exists yet)."""
    ids = list(partner_ids)
    provider = _PROVIDERS.get(metric)
    values = provider(ids, since, until) if provider else {}
    return {partner_id: Decimal(values.get(partner_id, 0)) for partner_id in ids}


# --- Evaluation: many partners at once ---------------------------------------------------------------

CHUNK = 1000  # partner ids per provider call: bounded IN lists on every database


def window(on: date) -> tuple[date, date]:
    """The trailing 12 calendar months ending with `on` (included), as [since, until): for the last day of a
    quarter that is exactly the four quarters ending with it (docs/tiers.md)."""
    until = on + timedelta(days=1)
    try:
        since = until.replace(year=until.year - 1)
    except ValueError:  # 29 February: the year before has none
        since = until.replace(year=until.year - 1, day=28)
    return since, until


def measured_metrics(tiers) -> list[str]:
    return sorted({requirement.metric for tier in tiers for requirement in tier.requirements.all()})


def measure_all(partner_ids: Iterable[int], on: date, metrics: Iterable[str]) -> dict[int, dict[str, Decimal]]:
    """Every metric for every partner: one provider call per metric and chunk of partners."""
    ids = list(partner_ids)
    values: dict[int, dict[str, Decimal]] = {partner_id: {} for partner_id in ids}
    since, until = window(on)
    for metric in metrics:
        for start in range(0, len(ids), CHUNK):
            for partner_id, value in measure(metric, ids[start : start + CHUNK], since, until).items():
                values[partner_id][metric] = value
    return values


def meets(tier, values: dict[str, Decimal]) -> bool:
    return all(values.get(r.metric, Decimal(0)) >= r.minimum for r in tier.requirements.all())


def qualifying_tier(tiers, values: dict[str, Decimal]):
    """The highest tier whose every requirement the values meet; the entry tier always qualifies."""
    ranked = sorted(tiers, key=lambda tier: tier.rank)
    best = ranked[0]
    for tier in ranked[1:]:
        if meets(tier, values):
            best = tier
    return best


def requirement_rows(tier, values: dict[str, Decimal], missing: dict | None = None) -> list[dict]:
    """Each requirement of `tier` against measured values: metric, name, required, actual, met, and what the
    measurement could not convert into the program currency (`missing`: metric -> rows; docs/fx.md)."""
    missing = missing or {}
    return [
        {
            "unconverted": missing.get(requirement.metric, []),
            "metric": requirement.metric,
            "name": requirement.get_metric_display(),
            "required": requirement.minimum,
            "actual": Decimal(values.get(requirement.metric, 0)),
            "met": Decimal(values.get(requirement.metric, 0)) >= requirement.minimum,
        }
        for requirement in tier.requirements.all()
    ]


def ranked_tiers():
    return list(Tier.objects.ranked().prefetch_related("requirements"))


def tier_progress(partner, on: date | None = None, tiers=None) -> dict:
    """What the partner needs for the next tier (or to keep the top one): required, actual and met."""
    on = on or timezone.localdate()
    tiers = list(tiers) if tiers is not None else ranked_tiers()
    current = next(tier for tier in tiers if tier.pk == partner.tier_id)
    next_tier = next((tier for tier in tiers if tier.rank > current.rank), None)
    target = next_tier or current
    metrics = [requirement.metric for requirement in target.requirements.all()]
    values = measure_all([partner.pk], on, metrics)[partner.pk]
    since, until = window(on)
    missing = {metric: unconverted(metric, [partner.pk], since, until).get(partner.pk, []) for metric in metrics}
    requirements = requirement_rows(target, values, missing)
    return {
        "tier": current,
        "next_tier": next_tier,
        "requirements": requirements,
        "met_count": sum(1 for r in requirements if r["met"]),
        "percent": round(100 * sum(1 for r in requirements if r["met"]) / len(requirements)) if requirements else 100,
    }


# --- The provider partners owns ----------------------------------------------------------------------


@provides(RequirementMetric.REFERENCE_IMPLEMENTATIONS)
def reference_implementations(partner_ids: list[int], since: date, until: date) -> dict[int, Decimal]:
    """Reference implementations recorded by channel managers, completed within the window."""
    rows = (
        ReferenceImplementation.objects.filter(
            partner_id__in=partner_ids, completed_on__gte=since, completed_on__lt=until
        )
        .values("partner_id")
        .annotate(n=Count("id"))
        .values_list("partner_id", "n")
    )
    return {partner_id: Decimal(n) for partner_id, n in rows}
