"""The signed listing statement: checked like a receipt, refused when altered, expired after its date."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from directory import statements
from tests.directory.helpers import listed_partner

pytestmark = pytest.mark.django_db


def test_statement_is_valid_until_it_expires():
    listing = listed_partner("Signed Ltd", certificates=1)
    envelope = statements.issue(listing)
    assert envelope["receipt"]["tier"] == "Gold"
    assert envelope["receipt"]["certificates"] == 1
    assert statements.check(envelope) == "valid"
    later = timezone.now() + timedelta(days=statements.VALID_DAYS + 1)
    assert statements.check(envelope, now=later) == "expired"


def test_an_altered_statement_is_tampered():
    listing = listed_partner("Signed Ltd", tier_name="Silver")
    envelope = statements.issue(listing)
    envelope["receipt"]["tier"] = "Platinum"
    assert statements.check(envelope) == "tampered"


def test_verify_page(client):
    listing = listed_partner("Checked Ltd")
    text = client.get(reverse("receipts:listing_statement", args=[listing.slug])).content.decode()
    response = client.post(reverse("directory:verify"), {"statement": text})
    assert response.context["result"] == "valid"
    response = client.post(reverse("directory:verify"), {"statement": text.replace("Gold", "Platinum")})
    assert response.context["result"] == "tampered"
    assert client.post(reverse("directory:verify"), {"statement": "{not json"}).context["result"] == "unreadable"
