"""Program terms: the benefits partners are told, derived from the rules that apply them (docs/program-terms.md).

The one home of the benefit table every page and API shows (landing, partner with us, partner home, the
partner page, `/api/v1/tiers/`). A tier holds no copies: each number comes from the app whose rule applies
it, through a provider that app registers here (partners sits below commissions, policy and mdf, so it
cannot import them; they import it, as the tier engine's providers do):

- "commission": commissions.providers (the plan of the partner type, its rules in force for the tier, as
  the commission engine applies them to a won deal)
- "protection_days": policy.providers (the rules-of-engagement version in force)
- "mdf_accrual_rate": mdf.providers (the rate the MDF accrual service applies to a won deal)

A missing provider is a configuration error, never a silent zero.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import PartnerType, Tier

TERMS = ("commission", "protection_days", "mdf_accrual_rate")
_PROVIDERS: dict[str, Callable] = {}

# Why a partner type earns no commission at a tier (commission providers return these reasons).
NO_COMMISSION_REASONS = {
    "no_plan": _("No commission plan covers this partner type."),
    "plan_inactive": _("The commission plan of this partner type is paused."),
    "no_rule": _("The commission plan of this partner type pays nothing at this tier."),
}


def provides(term: str):
    """Register the function that gives one term. Signatures:
    commission(partner_types, tiers, on) -> {(partner type, tier id): terms with .rate, .rules, .reason,
    .plan_name}; protection_days(tiers, on) -> {tier id: int}; mdf_accrual_rate(tiers, on) -> {tier id: Decimal}.
    """
    if term not in TERMS:
        raise ValueError(term)

    def register(provider: Callable) -> Callable:
        _PROVIDERS[term] = provider
        return provider

    return register


def _provider(term: str) -> Callable:
    try:
        return _PROVIDERS[term]
    except KeyError:
        raise ImproperlyConfigured(f"No provider registered for the program term {term!r}.") from None


@dataclass
class Commission:
    """What one partner type earns at one tier."""

    partner_type: str
    rate: Decimal
    rules: list
    reason: str = ""
    plan_name: str = ""

    @property
    def earns(self) -> bool:
        return bool(self.rules)

    @property
    def partner_type_label(self) -> str:
        return PartnerType(self.partner_type).label

    @property
    def percent(self) -> Decimal:
        return self.rate * 100

    @property
    def reason_text(self) -> str:
        return NO_COMMISSION_REASONS.get(self.reason, "")

    @property
    def lines(self) -> list[dict]:
        """Each applying rule as {kind, percent, flat_amount, currency, billing_months, term_months}."""
        return [
            {
                "kind": rule.kind,
                "percent": (rule.rate * 100) if rule.rate is not None else None,
                "flat_amount": rule.flat_amount,
                "currency": rule.currency,
                "billing_months": rule.billing_months,
                "term_months": rule.term_months,
            }
            for rule in self.rules
        ]


@dataclass
class TierTerms:
    """The benefits of one tier on one day, as applied."""

    tier: Tier
    day: date
    protection_days: int
    mdf_accrual_rate: Decimal
    commissions: list[Commission] = field(default_factory=list)

    @property
    def mdf_percent(self) -> Decimal:
        return self.mdf_accrual_rate * 100

    def commission_for(self, partner_type: str) -> Commission | None:
        return next((c for c in self.commissions if c.partner_type == partner_type), None)

    @property
    def commission(self) -> Commission | None:
        """The only commission when the terms were built for one partner type."""
        return self.commissions[0] if len(self.commissions) == 1 else None

    def as_benefits(self, partner_type: str | None = None) -> dict:
        """The API's `benefits` object (the API doc: Tiers): `commission_rate` is the rate of `partner_type`
        (null without one); `commissions` lists every partner type."""
        own = self.commission_for(partner_type) if partner_type else None
        return {
            "commission_rate": f"{own.rate:.4f}" if own else None,
            "commission_note": str(own.reason_text) if own and not own.earns else "",
            "commissions": [
                {
                    "partner_type": c.partner_type,
                    "rate": f"{c.rate:.4f}",
                    "earns_commission": c.earns,
                    "plan": c.plan_name,
                    "note": str(c.reason_text),
                }
                for c in self.commissions
            ],
            "mdf_accrual_rate": f"{self.mdf_accrual_rate:.4f}",
            "protection_days": self.protection_days,
            "content_access": f"{self.tier.name} and below",
            "advisory_board_eligible": self.tier.advisory_board_eligible,
            "directory_listing": self.tier.directory_listing,
            "lead_routing_weight": self.tier.lead_routing_weight,
            "extra": list(self.tier.extra_benefits),
        }


def program_terms(tiers=None, partner_types=None, on: date | None = None) -> list[TierTerms]:
    """The terms of each tier (default: every tier, lowest first) for each partner type (default: every
    type) on `on` (default today): one call per provider."""
    day = on or timezone.localdate()
    tiers = list(tiers if tiers is not None else Tier.objects.ranked())
    partner_types = list(partner_types if partner_types is not None else PartnerType.values)
    days = _provider("protection_days")(tiers, day)
    mdf = _provider("mdf_accrual_rate")(tiers, day)
    commissions = _provider("commission")(partner_types, tiers, day)
    result = []
    for tier in tiers:
        terms = TierTerms(
            tier=tier, day=day, protection_days=int(days[tier.pk]), mdf_accrual_rate=Decimal(mdf[tier.pk])
        )
        for partner_type in partner_types:
            found = commissions[(partner_type, tier.pk)]
            terms.commissions.append(
                Commission(
                    partner_type=partner_type,
                    rate=Decimal(found.rate),
                    rules=list(found.rules),
                    reason=found.reason,
                    plan_name=found.plan_name,
                )
            )
        result.append(terms)
    return result


def tier_terms(tier, partner_type: str | None = None, on: date | None = None) -> TierTerms:
    """One tier's terms; with `partner_type`, its commission only (else every type's)."""
    return program_terms([tier], [partner_type] if partner_type else None, on)[0]


def partner_terms(partner, on: date | None = None) -> TierTerms:
    """What this partner is told it gets: its tier's terms with its own type's commission."""
    return tier_terms(partner.tier, partner.partner_type, on)


def commission_table(terms: list[TierTerms]) -> list[dict]:
    """Rows for a partner type x tier table: {partner_type, label, cells: [Commission per tier]}."""
    if not terms:
        return []
    return [
        {
            "partner_type": c.partner_type,
            "label": c.partner_type_label,
            "cells": [t.commission_for(c.partner_type) for t in terms],
        }
        for c in terms[0].commissions
    ]


def page_context(tiers) -> dict:
    """What the tier cards and the commission table of the public pages render."""
    terms = program_terms(tiers.prefetch_related("requirements"))
    return {"tiers": [t.tier for t in terms], "program_terms": terms, "commission_rows": commission_table(terms)}
