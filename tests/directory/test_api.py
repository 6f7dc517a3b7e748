"""The directory API (public search) and routing a vendor lead through the API (the API doc: Partner directory,
Deals and leads)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from deals.models import Lead, LeadHop, LeadStatus
from tests.directory.helpers import active_rule, listed_partner
from tests.factories import InternalUserFactory, PartnerAdminFactory

pytestmark = pytest.mark.django_db


def test_public_search_api(django_assert_max_num_queries):
    listed_partner("Api Gold", certificates=1)
    hidden = listed_partner("Api Hidden", tier_name="Silver")
    hidden.show_certifications = False
    hidden.save()
    client = APIClient()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("directory-partners"), {"country": "US"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [r["name"] for r in body["results"]] == ["Api Gold", "Api Hidden"]
    assert body["results"][0]["certificates"] == 1 and body["results"][1]["certificates"] is None
    assert body["results"][0]["statement_url"].endswith(f"/directory/statements/{body['results'][0]['slug']}.json")
    assert client.get(reverse("directory-partners"), {"region": "mars"}).status_code == 400


def test_a_channel_manager_routes_a_vendor_lead():
    active_rule()
    partner = listed_partner("Route Me").partner
    manager = InternalUserFactory()
    lead = Lead.objects.create(customer_name="Vendor Customer", customer_country="US", created_by=manager)
    client = APIClient()
    client.force_authenticate(manager)
    response = client.post(reverse("lead-route", args=[lead.pk]))
    assert response.status_code == 200, response.content
    assert response.json()["partner"] == partner.pk and response.json()["routed"] is True
    assert LeadHop.objects.filter(lead=lead).count() == 1
    # Nothing left to route it to: 409.
    other = Lead.objects.create(customer_name="Nowhere", customer_country="JP", created_by=manager)
    response = client.post(reverse("lead-route", args=[other.pk]))
    assert response.status_code == 409 and response.json()["code"] == "no_partner"
    assert Lead.objects.get(pk=other.pk).status == LeadStatus.NEW


def test_partner_users_may_not_route():
    partner = listed_partner("Own Co").partner
    admin = PartnerAdminFactory(partner=partner)
    lead = Lead.objects.create(customer_name="C", customer_country="US", partner=partner)
    client = APIClient()
    client.force_authenticate(admin)
    assert client.post(reverse("lead-route", args=[lead.pk])).status_code == 403
