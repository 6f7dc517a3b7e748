"""Commission entry descriptions are stored as a key and parameters and read in the reader's language; the English
`description` column (the API's field) keeps the text as written (docs/i18n.md)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from commissions.models import CommissionEntry, EntryKind
from commissions.rules import compute_entries_for_deals
from tests.commissions.factories import WonDealFactory
from tests.factories import PartnerFactory, tier

pytestmark = pytest.mark.django_db


def test_a_first_year_entry_reads_in_each_language_and_keeps_its_english_column():
    partner = PartnerFactory(partner_type="referral", tier=tier("Silver"))
    deal = WonDealFactory(partner=partner, amount=Decimal("10000.00"))
    compute_entries_for_deals([deal.pk])
    entry = CommissionEntry.objects.get(deal=deal, kind=EntryKind.COMMISSION)

    assert entry.description.endswith("10.00 % of first-year value")
    assert entry.description_key == {"msgid": "%(rule)s: %(rate)s of first-year value"}
    with translation.override("en"):
        assert entry.shown_description.endswith(": 10% of first-year value")
    with translation.override("de"):
        assert entry.shown_description.endswith(": 10% des Werts im ersten Jahr")
    with translation.override("es"):
        assert entry.shown_description.endswith(": 10% del valor del primer año")


def test_an_entry_written_before_keys_shows_its_stored_text():
    partner = PartnerFactory(partner_type="referral", tier=tier("Silver"))
    deal = WonDealFactory(partner=partner, amount=Decimal("10000.00"))
    compute_entries_for_deals([deal.pk])
    CommissionEntry.objects.filter(deal=deal).update(description_key=None, description_params={})
    entry = CommissionEntry.objects.get(deal=deal, kind=EntryKind.COMMISSION)

    with translation.override("de"):
        assert entry.shown_description == entry.description


def test_the_entries_page_shows_the_description_in_the_readers_language(client_for, finance_user):
    partner = PartnerFactory(partner_type="referral", tier=tier("Silver"))
    deal = WonDealFactory(partner=partner, amount=Decimal("10000.00"))
    compute_entries_for_deals([deal.pk])
    client = client_for(finance_user)
    client.cookies["django_language"] = "de"

    body = client.get(reverse("commissions:entries")).content.decode()

    assert "des Werts im ersten Jahr" in body
    assert "of first-year value" not in body
