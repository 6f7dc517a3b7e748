"""Every role's pages read in Spanish and German on demo data, with no internal codes (docs/i18n.md).

The demo data (`seed_demo`, a small run) is seeded once for the module. Each page is rendered in English and
in the language; a phrase of the catalogue (two words or more) that shows on the English page must not show,
as it is, on the Spanish or German one unless its translation is the same text. What people typed (partner,
customer, course and activity names...) is not the portal's to translate: a phrase found in the data is skipped,
and so are the few words of ALLOWED (brand and product names, the same in every language). The visible text
must also hold no internal code: a snake_case status or kind (`dispute_reverse`), a `word:digits` key
(`request:9`) or a transition arrow (`Register -> submitted`).
"""

import re
from html import unescape

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from tests.demo.seeding import SEED_TIMEOUT, seed_demo
from tests.i18n.test_translations import catalogue, translated

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]

# Same in every language on purpose: brand and product names (documented in docs/i18n.md).
ALLOWED = {"Partner Portal", "Acme Cloud Partners", "Globex Integrators"}

PARTNER_PAGES = [
    "home",
    "deals:list",
    "deals:leads",
    "mdf:overview",
    "mdf:requests",
    "mdf:claims",
    "commissions:earnings",
    "enablement:catalogue",
    "enablement:certificates",
    "notifications",
    "notification_settings",
]
ROLE_PAGES = {
    "alice@acme.example": PARTNER_PAGES,
    "bob@acme.example": ["home", "deals:list", "enablement:catalogue", "notifications"],
    "manager@example.com": ["home", "deals:review", "partners:directory", "mdf:requests", "sla:items", "notifications"],
    "finance@example.com": [
        "home",
        "mdf:claims",
        "mdf:program",
        "commissions:entries",
        "commissions:batches",
        "commissions:owed",
        "commissions:held",
        "fx:rates",
        "notifications",
    ],
    "admin@example.com": [
        "home",
        "commissions:plans",
        "analytics:program",
        "analytics:scorecards",
        "policy:list",
        "audit_log",
        "mdf:activity_menu",
        "sla:breaches",
    ],
}
CODE_PATTERNS = [
    re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"),  # snake_case: a status or kind code
    re.compile(r"\b[a-z][a-z.]*:\d+\b"),  # a machine key: request:9, deal.won:12
    re.compile(r"\S\s*->\s*\S"),  # a transition written as an arrow
]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def internal_codes(text: str) -> list[str]:
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)  # e-mail addresses and links are data
    return sorted({match.group(0) for pattern in CODE_PATTERNS for match in pattern.finditer(text)})


def phrases(lang: str) -> dict[str, str]:
    """msgid -> translation for the catalogue's phrases of two words or more whose translation differs."""
    found = {}
    for entry in catalogue(lang):
        msgid = entry.msgid.strip()
        if entry.msgid_plural or not translated(entry) or len(msgid.split()) < 2 or entry.msgstr == entry.msgid:
            continue
        if "%" in msgid or "{" in msgid:
            continue
        found[msgid] = entry.msgstr
    return found


def data_text() -> str:
    """Every text people (or the demo) typed into the database, one value a line."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "admin", "contenttypes", "auth"}:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                values.update(v for v in model._default_manager.values_list(field.name, flat=True)[:500] if v)
    return "\n".join(sorted(values))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        seed_demo(partners=3)
        yield data_text()
        transaction.set_rollback(True)


def render(client, name: str, lang: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, (name, lang, response.status_code)
    return visible_text(response.content.decode())


@pytest.mark.parametrize("email", sorted(ROLE_PAGES))
def test_every_roles_pages_read_in_spanish_and_german(client, demo, email):
    user = User.objects.get(email=email)
    user.language = ""
    user.save(update_fields=["language"])
    client.force_login(user)
    catalogues = {lang: phrases(lang) for lang in ("es", "de")}
    problems = []
    for name in ROLE_PAGES[email]:
        english = render(client, name, "en")
        for lang, known in catalogues.items():
            text = render(client, name, lang)
            left = [
                msgid
                for msgid, translation in known.items()
                if msgid in english
                and msgid in text
                and translation not in text
                and msgid not in ALLOWED
                and msgid not in demo
            ]
            if left:
                problems.append(f"{name} [{lang}] shows English: {left[:6]}")
            codes = internal_codes(text)
            if codes:
                problems.append(f"{name} [{lang}] shows internal codes: {codes[:6]}")
    assert not problems, "\n".join(problems)


def test_the_checks_catch_english_and_codes():
    found = internal_codes("Status dispute_reverse · see request:9 · Register -> submitted")
    assert set(found) == {"dispute_reverse", "request:9", "r -> s"}
    assert internal_codes("Pagado el 10.12.2026, 16:13 · alice_b@acme.example") == []
    known = phrases("de")
    assert "Notification settings" in known and known["Notification settings"] != "Notification settings"
