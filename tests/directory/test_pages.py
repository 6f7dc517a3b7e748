"""The partner's listing page and the program admin's routing rules with the preview."""

import pytest
from django.urls import reverse

from deals.models import RoutingRule
from deals.models_routing import RoutingRuleStatus
from directory.models import Listing
from tests.factories import InternalUserFactory, PartnerAdminFactory, PartnerFactory, UserFactory, tier

pytestmark = pytest.mark.django_db


def test_partner_admin_publishes_the_listing(client):
    admin = PartnerAdminFactory(partner=PartnerFactory(name="Publish Co", tier=tier("Silver")))
    client.force_login(admin)
    response = client.post(
        reverse("directory:listing"),
        {
            "published": "on",
            "headline": "Cloud experts",
            "services": "Migration\nSupport",
            "references": "Big Bank: moved 200 apps",
            "specialisations": ["security"],
            "languages": ["en", "de"],
            "show_certifications": "on",
        },
    )
    assert response.status_code == 302
    listing = Listing.objects.get(partner=admin.partner)
    assert listing.published and listing.services == ["Migration", "Support"]
    assert listing.references == [{"customer": "Big Bank", "summary": "moved 200 apps"}]
    assert set(listing.tags.values_list("value", flat=True)) >= {"security", "en", "de"}
    assert client.get(reverse("directory:profile", args=[listing.slug])).status_code == 200


def test_partner_user_may_not_edit_the_listing(client):
    client.force_login(UserFactory())
    assert client.get(reverse("directory:listing")).status_code == 403


def test_program_admin_edits_activates_and_previews_a_rule(client):
    admin = InternalUserFactory(role="program_admin")
    client.force_login(admin)
    response = client.post(
        reverse("directory:rule_new"),
        {
            "name": "US resellers",
            "priority": 10,
            "countries": "us",
            "partner_types": ["reseller"],
            "same_country": "on",
            "strategy": "tier_weight",
            "capacity": 5,
            "sla_hours": 48,
            "max_hops": 2,
            "currency": "USD",
        },
    )
    assert response.status_code == 302, response.content
    rule = RoutingRule.objects.get()
    assert rule.countries == ["US"] and rule.status == RoutingRuleStatus.DRAFT
    assert client.get(reverse("directory:rule", args=[rule.pk])).status_code == 200
    client.post(reverse("directory:rule_status", args=[rule.pk, "active"]))
    rule.refresh_from_db()
    assert rule.status == RoutingRuleStatus.ACTIVE


def test_channel_manager_may_not_edit_rules(client):
    client.force_login(InternalUserFactory())
    assert client.get(reverse("directory:rules")).status_code == 403
