"""seed_demo: the public directory has real-looking listings, and a directory lead was routed, lapsed and rerouted
(docs/directory.md); a rerun adds nothing."""

import pytest
from django.urls import reverse

from deals.models import HopOutcome, Lead, LeadReturn, LeadSource, LeadStatus
from demo.directory import DEMO_CUSTOMER
from tests.demo.seeding import SEED_TIMEOUT

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]


def test_the_directory_lists_partners_anonymously(seeded, client):
    response = client.get(reverse("directory:search"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count >= 3
    listing = page[0]
    assert listing.headline and listing.services and listing.references
    profile = client.get(reverse("directory:profile", args=[listing.slug]))
    assert profile.status_code == 200 and b"statement-link" in profile.content


def test_a_directory_lead_was_routed_lapsed_and_rerouted(seeded):
    lead = Lead.objects.get(source=LeadSource.DIRECTORY, customer_name=DEMO_CUSTOMER)
    hops = list(lead.hops.order_by("number"))
    assert [h.outcome for h in hops] == [HopOutcome.LAPSED, HopOutcome.PENDING]
    assert lead.status == LeadStatus.ASSIGNED and lead.partner_id == hops[1].partner_id != hops[0].partner_id
    assert LeadReturn.objects.filter(lead=lead, partner_id=hops[0].partner_id, excused=False).exists()
    assert seeded.again["directory"] == seeded.first["directory"]
