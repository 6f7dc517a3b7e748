"""Partner directory demo data for seed_demo (docs/directory.md): published listings of the active partners whose
tier lists them (written by each partner's admin through the listing service), two active routing rules, and
one directory lead that was routed, let lapse by its first partner, reclaimed and rerouted to the next one.
Idempotent: partners already listed, rules already there and the demo lead are left alone."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from deals import routing
from deals.models import Lead, LeadHop, LeadSource
from deals.models_routing import RoutingRuleStatus, RoutingStrategy
from deals.services import return_lead_if_overdue
from directory import services
from directory.models import Listing
from partners.models import Partner, PartnerStatus, Specialisation

MAX_LISTINGS = 80
DEMO_CUSTOMER = "Northwind Traders"
HEADLINES = [
    "Cloud migrations done in weeks, not quarters",
    "Security-first integration for regulated industries",
    "Managed services with a 24/7 operations centre",
    "Data platforms and analytics for mid-market companies",
    "Implementation, training and support under one contract",
]
SERVICES = ["Assessment", "Implementation", "Migration", "Managed operations", "Training", "24/7 support"]
REFERENCES = [
    ("Harbor Logistics", "migrated 140 workloads in six weeks"),
    ("Pinecrest Health", "rolled out to 30 clinics with zero downtime"),
    ("Atlas Manufacturing", "integrated the platform with their ERP"),
    ("Summit Retail", "trained 400 store managers"),
]
LANGUAGES = {"US": ["en", "es"], "DE": ["de", "en"], "ES": ["es", "en"], "FR": ["fr", "en"], "GB": ["en"]}
RULES = [
    {"name": "Direct requests: same country, by tier", "priority": 10, "strategy": RoutingStrategy.TIER_WEIGHT},
    {"name": "Fallback: round robin in the region", "priority": 20, "strategy": RoutingStrategy.ROUND_ROBIN},
]


def seed(*, seed: int, partners: int, stdout) -> None:
    rng = random.Random(seed + 23)  # noqa: S311 - reproducible demo data
    listed = _listings(rng)
    rules = _rules()
    lead = _routed_lead()
    hops = LeadHop.objects.filter(lead=lead).count() if lead else 0
    stdout.write(f"  directory: {listed} listings published, {rules} routing rules, demo lead with {hops} hops")


def _listings(rng) -> int:
    candidates = (
        Partner.objects.filter(status=PartnerStatus.ACTIVE, tier__directory_listing=True, listing__isnull=True)
        .select_related("tier")
        .order_by("-tier__rank", "pk")[:MAX_LISTINGS]
    )
    admins = {
        u.partner_id: u
        for u in User.objects.filter(partner__in=candidates, role=Role.PARTNER_ADMIN, is_active=True).order_by("-pk")
    }
    for partner in candidates:
        admin = admins.get(partner.pk)
        if admin is None:
            continue
        references = rng.sample(REFERENCES, 2)
        services.save_listing(
            actor=admin,
            partner=partner,
            data={
                "published": True,
                "headline": rng.choice(HEADLINES),
                "description": f"{partner.name} helps customers plan, deploy and run the platform.",
                "services": rng.sample(SERVICES, 3),
                "references": [{"customer": c, "summary": s} for c, s in references],
                "specialisations": rng.sample(Specialisation.values, 2),
                "languages": LANGUAGES.get(str(partner.country), ["en"]),
                "show_certifications": True,
                "show_response_time": True,
                "show_satisfaction": True,
            },
        )
    return Listing.objects.filter(published=True).count()


def _rules() -> int:
    admin = User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        return 0
    for values in RULES:
        if routing.RoutingRule.objects.filter(name=values["name"]).exists():
            continue
        rule = routing.save_rule(
            actor=admin,
            data={**values, "same_country": values["priority"] == 10, "capacity": 10, "sla_hours": 72, "max_hops": 3},
        )
        routing.set_rule_status(actor=admin, rule=rule, status=RoutingRuleStatus.ACTIVE)
    return routing.RoutingRule.objects.filter(status=RoutingRuleStatus.ACTIVE).count()


def _routed_lead() -> Lead | None:
    """A visitor asked for a partner four days ago; the first partner let it lapse and it went to the next."""
    existing = Lead.objects.filter(source=LeadSource.DIRECTORY, customer_name=DEMO_CUSTOMER).first()
    if existing is not None:
        return existing
    lead = services.request_partner(
        data={
            "name": "Nancy Davolio",
            "email": "nancy.davolio@northwind.example",
            "company": DEMO_CUSTOMER,
            "country": "US",
            "product": "Platform",
            "message": "We are moving 60 servers to the cloud this year and need a partner near Seattle.",
        }
    )
    if lead.partner_id is None:
        return lead
    # The first offer was made four days ago, so its 72-hour SLA has passed (demo time shift only).
    shift = timedelta(hours=96)
    with transaction.atomic():
        Lead.objects.filter(pk=lead.pk).update(
            assigned_at=lead.assigned_at - shift, accept_by=lead.accept_by - shift, created_at=lead.created_at - shift
        )
        LeadHop.objects.filter(lead=lead).update(routed_at=lead.assigned_at - shift, accept_by=lead.accept_by - shift)
    return_lead_if_overdue(lead_id=lead.pk, now=timezone.now())
    return lead
