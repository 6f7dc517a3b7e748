"""The portal reads in English, Spanish and German (issue 12, item 7).

- every piece of template text is marked for translation (`manage.py translations lint`);
- makemessages finds no string without a Spanish and a German translation in the committed catalogues;
- the compiled .mo files are the .po files (nobody forgot `make messages`);
- pages render in each language, the picker switches it, and dates and numbers follow the language.
"""

import datetime
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from prm.management.commands import translations as tool

LOCALE = Path(settings.BASE_DIR) / "locale"


def catalogue(lang: str, kind: str = "po"):
    path = LOCALE / lang / "LC_MESSAGES" / f"django.{kind}"
    return polib.pofile(str(path)) if kind == "po" else polib.mofile(str(path))


def translated(entry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def test_every_template_text_is_marked_for_translation():
    problems = tool.lint()
    listing = "\n".join(f"{path}: {p}" for path, found in problems.items() for p in found[:3])
    assert not problems, f"{len(problems)} templates have text outside {{% translate %}}:\n{listing}"


def test_the_lint_finds_bare_text_and_attributes():
    assert tool.lint_template('<p>{% translate "Hello" %}</p><a title="{% translate "Go" %}">{{ x }}</a>') == []
    assert tool.lint_template("<p>Hello there</p>") == ["line 1: text 'Hello there'"]
    assert tool.lint_template('<input placeholder="Search deals">') == ["line 1: attribute text 'Search deals'"]
    assert tool.lint_template("{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}") == []


@pytest.mark.gettext
@pytest.mark.parametrize("lang", ["es", "de"])
def test_makemessages_finds_no_untranslated_string(lang):
    extracted = tool.extract()
    assert len(extracted) > 500, "makemessages found suspiciously few strings"
    committed = {tool.entry_key(e): e for e in catalogue(lang)}
    missing = [tool.entry_key(e) for e in extracted if tool.entry_key(e) not in committed]
    untranslated = [key for key, entry in committed.items() if not translated(entry)]
    assert not missing, f"{len(missing)} strings are not in locale/{lang} (run `make messages`): {missing[:10]}"
    assert not untranslated, f"{len(untranslated)} strings lack a {lang} translation: {untranslated[:10]}"


@pytest.mark.parametrize("lang", ["es", "de"])
def test_compiled_catalogue_matches_its_po_file(lang):
    po = {tool.entry_key(e): (e.msgstr, e.msgstr_plural) for e in catalogue(lang) if translated(e)}
    mo = {tool.entry_key(e): (e.msgstr, e.msgstr_plural) for e in catalogue(lang, "mo") if e.msgid}
    assert po == mo, "django.mo is stale: run `make messages`"


@pytest.mark.parametrize("lang", ["es", "de"])
def test_placeholders_survive_translation(lang):
    """A translation that drops or renames %(name)s would crash or lie at run time."""
    pattern = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    for entry in catalogue(lang):
        if not translated(entry):
            continue
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        wanted = set(pattern.findall(entry.msgid_plural or entry.msgid))
        for text in texts:
            assert set(pattern.findall(text)) <= wanted | set(pattern.findall(entry.msgid)), (entry.msgid, text)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


PAGES = ["home", "deals:list", "enablement:catalogue", "mdf:requests", "commissions:earnings", "notifications"]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["es", "de"])
def test_partner_pages_read_in_the_language(client_for, partner_admin, lang):
    """English source strings whose translation differs must not show on the page in another language."""
    english = {}
    for entry in catalogue(lang):
        # Phrases only: single words also occur inside data (activity names, customer names).
        phrase = " " in entry.msgid.strip() and len(entry.msgid) >= 12
        if translated(entry) and not entry.msgid_plural and phrase and entry.msgstr != entry.msgid:
            if "%" not in entry.msgid and "{" not in entry.msgid:
                english[entry.msgid] = entry.msgstr
    client = client_for(partner_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert f'<html lang="{lang}"' in html
        text = visible_text(html)
        leftovers = [msgid for msgid in english if msgid in text and english[msgid] not in text]
        assert not leftovers, f"{name} in {lang} still shows English: {leftovers[:5]}"


@pytest.mark.django_db
def test_language_picker_switches_the_language(client_for, partner_admin):
    client = client_for(partner_admin)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="language-picker"' in home and 'value="de"' in home and "Deutsch" in home
    response = client.post(reverse("set_language"), {"language": "de", "next": reverse("deals:list")})
    assert response.status_code == 302 and response["Location"] == reverse("deals:list")
    page = client.get(reverse("deals:list")).content.decode()
    assert '<html lang="de"' in page
    with translation.override("de"):
        assert translation.gettext("Log out") in page


def test_dates_and_numbers_follow_the_language():
    template = Template('{{ amount }} · {{ day|date:"DATE_FORMAT" }} · {{ day|date:"SHORT_DATE_FORMAT" }}')
    context = Context({"amount": Decimal("1234.50"), "day": datetime.date(2026, 12, 5)})
    with translation.override("en"):
        assert template.render(context) == "1234.50 · Dec. 5, 2026 · 12/05/2026"
    with translation.override("es"):
        assert template.render(context) == "1234,50 · 5 de diciembre de 2026 · 05/12/2026"
    with translation.override("de"):
        assert template.render(context) == "1234,50 · 5. Dezember 2026 · 05.12.2026"


def test_every_language_has_a_catalogue():
    codes = [code for code, _ in settings.LANGUAGES]
    assert codes == ["en", "es", "de"]
    for code in ("es", "de"):
        assert (LOCALE / code / "LC_MESSAGES" / "django.mo").exists()


@pytest.mark.django_db
def test_the_picker_saves_the_language_on_the_account(client_for, partner_admin):
    client = client_for(partner_admin)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    partner_admin.refresh_from_db()
    assert partner_admin.language == "es"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # not a portal language: ignored
    partner_admin.refresh_from_db()
    assert partner_admin.language == "es"


@pytest.mark.django_db
def test_a_saved_language_applies_on_a_new_device(client, partner_admin):
    partner_admin.language = "de"
    partner_admin.save(update_fields=["language"])
    client.force_login(partner_admin)
    assert '<html lang="de"' in client.get(reverse("home")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"  # the browser's own pick wins
    assert '<html lang="es"' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_notifications_and_emails_are_written_in_each_recipients_language(
    partner, partner_admin, partner_user, channel_manager, mailoutbox, django_capture_on_commit_callbacks
):
    from deals.services import approve_deal
    from prm.models import Notification
    from tests.deals.factories import DealFactory
    from tests.factories import PartnerAdminFactory

    german_admin = PartnerAdminFactory(partner=partner, email="greta@acme.example", language="de")
    partner_user.language = "es"
    partner_user.save(update_fields=["language"])
    deal = DealFactory(partner=partner, registered_by=partner_user, customer_name="Initech", status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        approve_deal(deal=deal, actor=channel_manager)
    titles = dict(Notification.objects.filter(event__name="deal.approved").values_list("user__email", "title"))
    assert titles == {
        partner_admin.email: "Deal approved: Initech",
        german_admin.email: "Deal genehmigt: Initech",
        partner_user.email: "Oportunidad aprobada: Initech",
    }
    subjects = {mail.to[0]: mail.subject for mail in mailoutbox}
    assert subjects[german_admin.email].endswith("Deal genehmigt: Initech")
