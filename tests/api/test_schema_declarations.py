"""What prm/api_schema.py declares is true: bounded filters match what validation takes, day by day; the
operations that may refuse a schema-valid request say so; links lead from a create to the calls on its object;
and a sample of the documented refusals really happens (docs/api.md: What the schema declares)."""

import re
from datetime import date, timedelta

import pytest

from prm import api_schema, inputs, periods
from tests.deals.factories import DealFactory


def _accepted(day: date) -> bool:
    try:
        inputs.check_date(day)
    except Exception:  # noqa: BLE001 - any refusal
        return False
    return True


def test_the_date_pattern_takes_exactly_the_days_validation_takes():
    low, high = inputs.window()
    pattern = re.compile(f"^{api_schema.date_range_pattern(low, high)}$")
    edges = [low + timedelta(days=n) for n in range(-40, 400)] + [high + timedelta(days=n) for n in range(-400, 40)]
    for day in edges + [date(2015, 6, 15), date(1999, 12, 31)]:
        assert bool(pattern.match(day.isoformat())) == _accepted(day), day
    assert not pattern.match("2020-13-01") and not pattern.match("2020-00-10")


def test_the_period_pattern_takes_exactly_the_periods_parse_period_takes():
    low, high = inputs.window()
    pattern = re.compile(api_schema.period_pattern())
    for year in [low.year - 2, low.year - 1, low.year, low.year + 1, 2020, high.year - 1, high.year, high.year + 1]:
        for suffix in [f"{m:02d}" for m in range(0, 14)] + ["Q0", "Q1", "Q2", "Q3", "Q4", "Q5"]:
            key = f"{year}-{suffix}"
            try:
                periods.parse_period(key)
                taken = True
            except ValueError:
                taken = False
            assert bool(pattern.match(key)) == taken, key


def test_filters_are_bounded_in_the_schema(schema):
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/deals/"]["get"]["parameters"]}
    assert params["page_size"]["minimum"] == 1
    assert params["created_after"]["pattern"].startswith("^(?:")
    kpis = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/analytics/kpis/"]["get"]["parameters"]}
    assert kpis["period"]["pattern"] == api_schema.period_pattern()


def test_operations_that_may_refuse_a_valid_request_say_so(schema):
    paths = schema["paths"]
    assert "x-rules-beyond-schema" in paths["/api/v1/deals/"]["post"]
    assert "x-rules-beyond-schema" in paths["/api/v1/analytics/kpis/"]["get"]
    assert "x-rules-beyond-schema" not in paths["/api/v1/deals/"]["get"]
    assert "x-rules-beyond-schema" not in paths["/api/v1/deals/{id}/"]["get"]


def test_a_create_links_to_the_calls_on_what_it_created(schema):
    paths = schema["paths"]
    links = paths["/api/v1/deals/"]["post"]["responses"]["201"]["links"]
    read = paths["/api/v1/deals/{id}/"]["get"]["operationId"]
    won = paths["/api/v1/deals/{id}/won/"]["post"]["operationId"]
    assert links[read]["parameters"] == {"id": "$response.body#/id"}
    assert links[won]["parameters"] == {"id": "$response.body#/id"}
    listed = paths["/api/v1/deals/"]["get"]["responses"]["200"]["links"]
    assert listed[read]["parameters"] == {"id": "$response.body#/results/0/id"}
    acted = paths["/api/v1/deals/{id}/"]["get"]["responses"]["200"]["links"]
    assert acted[won]["parameters"] == {"id": "$request.path.id"}
    for item in paths.values():
        for operation in item.values():
            for response in operation.get("responses", {}).values() if isinstance(operation, dict) else ():
                for link in response.get("links", {}).values():
                    assert any(o.get("operationId") == link["operationId"] for i in paths.values() for o in i.values())


@pytest.mark.django_db
def test_a_sample_of_the_documented_refusals_happens(
    schema, api_for, partner_admin, channel_manager, finance_user, other_partner
):
    """403 by role, 404 outside the tenancy, 409 by state: each documented on its operation, each real."""
    paths = schema["paths"]
    own = DealFactory(partner=partner_admin.partner, registered_by=partner_admin)
    other = DealFactory(partner=other_partner)
    samples = [
        (api_for(finance_user), f"/api/v1/deals/{own.pk}/approve/", "/api/v1/deals/{id}/approve/", 403),
        (api_for(partner_admin), f"/api/v1/deals/{other.pk}/won/", "/api/v1/deals/{id}/won/", 404),
        (
            api_for(channel_manager),
            f"/api/v1/deals/{own.pk}/extension/approve/",
            "/api/v1/deals/{id}/extension/approve/",
            409,
        ),
    ]
    for client, url, template, status in samples:
        assert str(status) in paths[template]["post"]["responses"], template
        response = client.post(url, {}, format="json")
        assert response.status_code == status, (url, response.content)


@pytest.mark.django_db
def test_an_empty_filter_is_no_filter_wherever_the_schema_allows_one(schema, api_for, program_admin):
    """`allowEmptyValue` on a list's filter is true: all of them empty at once is the unfiltered list."""
    client = api_for(program_admin)
    checked, refused = 0, []
    for path, item in schema["paths"].items():
        empty = {p["name"]: "" for p in item.get("get", {}).get("parameters", []) if p.get("allowEmptyValue")}
        if empty and "{" not in path:
            response = client.get(path, empty)
            if response.status_code != 200:
                refused.append((path, response.status_code, response.content[:200]))
            checked += 1
    assert not refused
    assert checked > 20
