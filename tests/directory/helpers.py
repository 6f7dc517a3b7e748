"""Listed partners and routing rules for the directory tests."""

from datetime import timedelta

from django.utils import timezone

from deals.models import RoutingRule
from deals.models_routing import RoutingRuleStatus
from directory import facts
from directory.models import Listing
from enablement.models import Certificate
from tests.enablement.factories import CertificationFactory
from tests.factories import PartnerFactory, UserFactory, tier


def listed_partner(name="Acme Cloud", tier_name="Gold", country="US", certificates=0, **partner_fields):
    partner = PartnerFactory(name=name, tier=tier(tier_name), country=country, **partner_fields)
    listing = Listing.objects.create(partner=partner, slug=name.lower().replace(" ", "-"), published=True)
    if certificates:
        certification = CertificationFactory()
        now = timezone.now()
        for _ in range(certificates):
            Certificate.objects.create(
                certification=certification,
                user=UserFactory(partner=partner),
                partner=partner,
                issued_at=now - timedelta(days=1),
                expires_at=now + timedelta(days=300),
            )
    facts.refresh_facts(partner_ids=[partner.pk])
    listing.refresh_from_db()
    return listing


def active_rule(**fields) -> RoutingRule:
    values = {"name": "Everywhere", "status": RoutingRuleStatus.ACTIVE, "same_country": True, "max_hops": 3}
    values.update(fields)
    return RoutingRule.objects.create(**values)
