"""A chart with nothing to draw is a sentence in the page's HTML (prm/templatetags/charts.py), not an empty frame
of axes and not a decision left to JavaScript."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from prm.templatetags.charts import has_chart_data

pytestmark = pytest.mark.django_db

EMPTY = "No data to chart yet."


@pytest.mark.parametrize(
    ("data", "drawn"),
    [
        ({"labels": ["Q1"], "datasets": [{"data": [0, None]}]}, False),
        ({"labels": [], "datasets": []}, False),
        (None, False),
        ({"datasets": [{"data": [0, "12.50"]}]}, True),
        ({"datasets": [{"data": [{"x": 2, "y": 0}]}]}, False),
        ({"datasets": [{"data": [{"x": 2, "y": 3}]}]}, True),
    ],
)
def test_has_chart_data(data, drawn):
    assert has_chart_data(data) is drawn


def test_a_chart_with_data_keeps_its_canvas():
    template = Template(
        '{% load charts %}{% if chart|has_chart_data %}<canvas data-chart="bar"></canvas>'
        '{% else %}{% include "prm/partials/chart_empty.html" %}{% endif %}'
    )
    assert "<canvas" in template.render(Context({"chart": {"datasets": [{"data": [1]}]}}))
    assert EMPTY in template.render(Context({"chart": {"datasets": [{"data": [0]}]}}))


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_program_dashboard_without_data_says_so(client_for, program_admin):
    body = _page(client_for(program_admin), reverse("analytics:program"))
    assert EMPTY in body
    assert 'data-testid="chart-empty"' in body


def test_scorecard_without_history_says_so(client_for, program_admin, partner):
    body = _page(client_for(program_admin), reverse("analytics:scorecard_detail", args=[partner.pk]))
    assert EMPTY in body
    assert 'data-chart="line"' not in body


def test_earnings_chart_without_entries_says_so(client_for, partner_admin):
    body = _page(client_for(partner_admin), reverse("commissions:earnings"))
    assert EMPTY in body
    assert 'data-source="earnings-chart"' not in body
