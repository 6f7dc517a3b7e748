"""The public directory: anonymous search with combined filters, ranking by measured facts, tier benefits deciding
who is listed, evidence links, bounded queries, indexability."""

import pytest
from django.urls import reverse

from partners.models import PartnerStatus, Specialisation
from tests.directory.helpers import listed_partner

pytestmark = pytest.mark.django_db


def test_anonymous_search_ranks_by_tier_then_certificates(client):
    silver = listed_partner("Silver Co", tier_name="Silver", certificates=3)
    gold_few = listed_partner("Gold Few", tier_name="Gold", certificates=1)
    gold_many = listed_partner("Gold Many", tier_name="Gold", certificates=2)
    response = client.get(reverse("directory:search"))
    assert response.status_code == 200
    names = [listing.partner.name for listing in response.context["page"]]
    assert names == [gold_many.partner.name, gold_few.partner.name, silver.partner.name]
    assert b'name="description"' in response.content and b'rel="canonical"' in response.content
    assert b"ranking-explained" in response.content


def test_the_tier_benefit_and_status_decide_who_is_listed(client):
    listed_partner("Listed Co", tier_name="Silver")
    listed_partner("Registered Co", tier_name="Registered")  # its tier's benefits include no listing
    listed_partner("Suspended Co", tier_name="Gold", status=PartnerStatus.SUSPENDED)
    names = [listing.partner.name for listing in client.get(reverse("directory:search")).context["page"]]
    assert names == ["Listed Co"]


def test_combined_filters(client):
    wanted = listed_partner(
        "Berlin Secure", country="DE", region="emea", specialisations=[Specialisation.SECURITY], languages=["de"]
    )
    listed_partner("Berlin Cloud", country="DE", region="emea", specialisations=["cloud_migration"], languages=["de"])
    listed_partner("Austin Secure", country="US", specialisations=[Specialisation.SECURITY], languages=["en"])
    response = client.get(
        reverse("directory:search"), {"country": "DE", "specialisation": "security", "language": "de", "region": "emea"}
    )
    assert [listing.pk for listing in response.context["page"]] == [wanted.pk]


def test_search_queries_are_bounded(client, django_assert_max_num_queries):
    for n in range(12):
        listed_partner(f"Partner {n}", certificates=1 if n % 2 else 0)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("directory:search"), {"country": "US", "tier": "", "q": "Partner"})
    assert response.context["page"].paginator.count == 12


def test_profile_links_each_badge_to_its_verification(client, django_assert_max_num_queries):
    listing = listed_partner("Proof Ltd", certificates=2)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("directory:profile", args=[listing.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="certificate-link"') == 2
    assert reverse("receipts:listing_statement", args=[listing.slug]) in body


def test_hidden_evidence_is_not_published(client):
    listing = listed_partner("Quiet Ltd", certificates=2)
    listing.show_certifications = False
    listing.save()
    response = client.get(reverse("directory:profile", args=[listing.slug]))
    assert 'data-testid="certificate-link"' not in response.content.decode()
    statement = client.get(reverse("receipts:listing_statement", args=[listing.slug])).json()
    assert statement["receipt"]["certificates"] is None


def test_unlisted_profiles_are_not_found(client):
    listing = listed_partner("Unpublished", tier_name="Gold")
    listing.published = False
    listing.save()
    assert client.get(reverse("directory:profile", args=[listing.slug])).status_code == 404
    assert client.get(reverse("receipts:listing_statement", args=[listing.slug])).status_code == 404


def test_sitemap_lists_listed_profiles(client):
    listing = listed_partner("Mapped Ltd")
    response = client.get(reverse("directory:sitemap"))
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert reverse("directory:profile", args=[listing.slug]).encode() in response.content
