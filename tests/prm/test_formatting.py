"""Money, rates and dates per locale (prm/formatting.py and its template filters)."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from prm import formatting


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "$1,027,500.00"), ("de", "1.027.500,00\xa0$"), ("es", "1.027.500,00\xa0US$")],
)
def test_money_groups_and_places_the_currency_per_locale(language, expected):
    assert formatting.money(Decimal("1027500"), "USD", language) == expected


def test_euro_in_german_and_a_negative_amount_without_currency():
    assert formatting.money("1027500", "EUR", "de") == "1.027.500,00\xa0€"
    assert formatting.money(Decimal("-1234.5"), None, "en") == "-1,234.50"
    assert formatting.money(None, "USD") == "—"


def test_rates_are_percentages_and_dates_have_one_style_per_locale():
    assert formatting.rate(Decimal("0.1000"), language="en") == "10%"
    assert formatting.rate(Decimal("0.125"), language="de") == "12,5%"
    march = datetime.date(2027, 3, 7)
    assert formatting.day(march, "en") == "Mar 7, 2027"
    assert formatting.day(march, "de") == "07.03.2027"


def test_a_moment_never_shows_an_iso_timestamp():
    when = datetime.datetime(2026, 12, 10, 16, 13, 31, 351513, tzinfo=datetime.UTC)
    text = formatting.moment(when, "en")
    assert text == "Dec 10, 2026, 4:13\u202fPM"
    assert "T16" not in formatting.moment(when, "de") and "351513" not in text


def test_template_filters_follow_the_active_language():
    template = Template("{% load formatting %}{{ amount|money:'EUR' }} · {{ share|rate }}")
    with translation.override("de"):
        assert template.render(Context({"amount": Decimal("19770"), "share": Decimal("0.3")})) == (
            "19.770,00\xa0€ · 30%"
        )
