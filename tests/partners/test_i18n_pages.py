"""Partner and deal pages render in Spanish and German (issue 12: translations of partners/ and deals/).

The pages are rendered with the committed catalogues (the `catalogues` fixture of tests/conftest.py).
"""

import pytest
from django.urls import reverse

from tests.deals.factories import DealFactory


def get(client, url, lang):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("lang", "words"),
    [("es", ["Equipo", "Historial de niveles", "Invitar"]), ("de", ["Team", "Stufenverlauf", "Einladen"])],
)
def test_partner_profile_in_spanish_and_german(catalogues, client_for, partner_admin, partner, lang, words):
    page = get(client_for(partner_admin), reverse("partners:detail", args=[partner.pk]), lang)
    for word in words:
        assert word in page
    assert "Tier history" not in page and "Pending invitations" not in page


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", ["Cronología", "Marcar como ganada", "Actualizar esta oportunidad"]),
        ("de", ["Verlauf", "Als gewonnen markieren", "Diesen Deal aktualisieren"]),
    ],
)
def test_deal_page_in_spanish_and_german(catalogues, client_for, partner, partner_user, lang, words):
    deal = DealFactory(partner=partner, registered_by=partner_user)
    page = get(client_for(partner_user), reverse("deals:detail", args=[deal.pk]), lang)
    for word in words:
        assert word in page
    assert "Mark won" not in page and "Update this deal" not in page
    # A decimal comma in an input value would not post back: amounts in attributes stay unlocalised.
    assert 'name="amount" value="25000.00"' in page


@pytest.mark.parametrize("lang", ["es", "de"])
def test_internal_pages_render_translated(catalogues, client_for, channel_manager, partner, lang):
    DealFactory(partner=partner, status="submitted", protected_until=None)
    client = client_for(channel_manager)
    review = get(client, reverse("deals:review"), lang)
    assert {"es": "Cola de revisión", "de": "Prüfwarteschlange"}[lang] in review
    deals = get(client, reverse("deals:list"), lang)
    assert {"es": "Fecha de registro", "de": "Registriert am"}[lang] in deals
    directory = get(client, reverse("partners:directory"), lang)
    assert {"es": "Importar socios (CSV)", "de": "Partner importieren (CSV)"}[lang] in directory
    applications = get(client, reverse("partners_public:applications"), lang)
    assert {"es": "Embudo de captación", "de": "Rekrutierungs-Pipeline"}[lang] in applications


@pytest.mark.parametrize(("lang", "title"), [("es", "Colabore con nosotros"), ("de", "Werden Sie Partner")])
def test_public_application_form_in_spanish_and_german(catalogues, client, db, lang, title):
    page = get(client, reverse("partners_public:partner_with_us"), lang)
    assert title in page
    assert "Send application" not in page
