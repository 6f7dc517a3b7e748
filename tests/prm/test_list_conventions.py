"""List-page conventions (docs/pages.md): whitelisted sorting with aria-sort headers that keep the filters,
date pickers with field errors for invalid dates, prompts that say what a select filters, the partner filter on
deal lists for internal users only."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from prm.lists import sort_param
from tests.deals.factories import DealFactory

pytestmark = pytest.mark.django_db


def _customers(response) -> list[str]:
    return [deal.customer_name for deal in response.context["object_list"]]


@pytest.fixture
def deals(partner):
    return [
        DealFactory(partner=partner, amount=Decimal(amount), customer_name=name)
        for name, amount in (("Beta", "500"), ("Alpha", "90000"), ("Gamma", "1200"))
    ]


def test_sort_param_accepts_only_whitelisted_columns():
    allowed = {"value": "amount"}
    assert sort_param("value", allowed) == ("value", "amount")
    assert sort_param("-value", allowed) == ("-value", "-amount")
    for bad in ("amount", "--value", "partner__users__password", "", "-", "value;drop"):
        assert sort_param(bad, allowed) is None


def test_deal_list_sorts_by_a_whitelisted_column_both_ways(client_for, channel_manager, deals):
    client = client_for(channel_manager)
    up = client.get(reverse("deals:list"), {"sort": "value"})
    assert _customers(up) == ["Beta", "Gamma", "Alpha"]
    down = client.get(reverse("deals:list"), {"sort": "-value"})
    assert _customers(down) == ["Alpha", "Gamma", "Beta"]
    assert 'aria-sort="descending"' in down.content.decode()


@pytest.mark.parametrize("sort", ["registered_by__password", "amount", "-__class__", "x" * 300])
def test_an_unknown_sort_is_ignored_never_a_500(client_for, channel_manager, deals, sort):
    response = client_for(channel_manager).get(reverse("deals:list"), {"sort": sort})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 3
    assert 'aria-sort="ascending"' not in response.content.decode()


def test_sort_headers_keep_the_other_filters(client_for, channel_manager, deals):
    html = client_for(channel_manager).get(reverse("deals:list"), {"status": "approved", "page": "1"}).content
    links = re.findall(r'href="\?([^"]*sort=value[^"]*)"', html.decode())
    assert links and "status=approved" in links[0] and "page=" not in links[0]


def test_date_filters_are_date_pickers_and_invalid_dates_are_field_errors(client_for, finance_user):
    client = client_for(finance_user)
    html = client.get(reverse("commissions:entries")).content.decode()
    assert re.search(r'<input type="date" name="since"', html)
    bad = client.get(reverse("commissions:entries"), {"since": "2026-02-31"})
    assert bad.status_code == 400
    assert bad.context["filter"].form.errors["since"]
    assert "invalid-feedback" in bad.content.decode()


def test_select_prompts_say_what_they_filter(client_for, channel_manager):
    html = client_for(channel_manager).get(reverse("deals:list")).content.decode()
    assert ">All statuses<" in html
    assert ">All partners<" in html
    assert "---------" not in html


@pytest.mark.parametrize(
    ("role", "sees_partner_filter"),
    [
        ("partner_admin", False),
        ("partner_user", False),
        ("channel_manager", True),
        ("finance_user", True),
        ("program_admin", True),
    ],
)
def test_partner_filter_on_deal_lists_only_for_internal_users(request, client_for, role, sees_partner_filter):
    user = request.getfixturevalue(role)
    html = client_for(user).get(reverse("deals:list")).content.decode()
    assert ('<select name="partner"' in html) is sees_partner_filter
    assert ('name="partner"' in html) is sees_partner_filter


def test_partner_filter_narrows_the_deal_list(client_for, program_admin, deals, other_partner):
    DealFactory(partner=other_partner, customer_name="Other")
    response = client_for(program_admin).get(reverse("deals:list"), {"partner": other_partner.pk})
    assert _customers(response) == ["Other"]
