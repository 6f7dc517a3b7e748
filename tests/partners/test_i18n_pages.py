"""Partner and deal pages render in Spanish and German (issue 12: translations of partners/ and deals/).

The catalogues are compiled from locale/fragments/*.json into a temporary LOCALE_PATHS, the same way
`manage.py translations build` fills them, so the test needs neither gettext nor the built files.
"""

import polib
import pytest
from django.test import override_settings
from django.urls import reverse

from prm.management.commands.translations import LANGUAGES, PLURAL_FORMS, load_fragments
from tests.deals.factories import DealFactory


@pytest.fixture
def catalogues(tmp_path):
    fragments = load_fragments()
    for lang in LANGUAGES:
        po = polib.POFile(wrapwidth=0)
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": lang, "Plural-Forms": PLURAL_FORMS}
        for key, value in fragments.items():
            context, _, msgid = key.rpartition("\u0004")
            entry = polib.POEntry(msgid=msgid, msgctxt=context or None)
            if "plural" in value:
                forms = value.get(lang) or ["", ""]
                entry.msgid_plural = value["plural"]
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            else:
                entry.msgstr = value.get(lang) or ""
            po.append(entry)
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        po.save_as_mofile(str(target / "django.mo"))
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):
        yield


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
