"""No page repeats an element id (labels, aria-describedby and in-page links point at the first one only): a
representative set of pages, with several rows of repeated forms, parsed as HTML."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from partners.models import OnboardingStep, OppCriterion

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1

    handle_startendtag = handle_starttag


def duplicate_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return sorted(name for name, count in parser.ids.items() if count > 1)


def test_the_parser_finds_duplicates():
    assert duplicate_ids('<p id="a"></p><input id="a"><i id="b"></i>') == ["a"]


PAGES = {
    "program_admin": [
        "partners:program_settings",
        "home",
        "analytics:program",
        "partners:directory",
        "partners:tiers",
        "deals:list",
        "mdf:program",
        "commissions:plans",
        "notifications",
    ],
    "partner_admin": [
        "home",
        "deals:list",
        "deals:register",
        "mdf:requests",
        "commissions:earnings",
        "enablement:catalogue",
    ],
}


@pytest.fixture
def settings_rows():
    assert OppCriterion.objects.count() >= 2 or OppCriterion.objects.bulk_create(
        [OppCriterion(group="fit", name=f"Criterion {n}", weight=1, position=n) for n in (1, 2)]
    )
    if OnboardingStep.objects.count() < 2:
        for n in (1, 2):
            OnboardingStep.objects.create(title=f"Step {n}", position=n)


@pytest.mark.parametrize(("role", "name"), [(role, name) for role, names in PAGES.items() for name in names])
def test_no_page_repeats_an_id(role, name, client_for, program_admin, partner_admin, settings_rows):
    user = {"program_admin": program_admin, "partner_admin": partner_admin}[role]
    response = client_for(user).get(reverse(name))
    assert response.status_code == 200
    assert duplicate_ids(response.content.decode()) == []


def test_program_settings_after_a_refused_row_repeats_no_id(client_for, program_admin, settings_rows):
    criterion = OppCriterion.objects.first()
    prefix = f"criterion-{criterion.pk}"
    response = client_for(program_admin).post(
        reverse("partners:program_settings"), {"kind": "criterion", "id": criterion.pk, f"{prefix}-name": ""}
    )
    assert response.status_code == 400
    assert duplicate_ids(response.content.decode()) == []
