"""GET /api/v1/analytics/scorecards/ (docs/api.md: Analytics): fields, roles, tenancy and bad input."""

import pytest

from analytics.models import Scorecard, ScorecardCriterion
from analytics.scorecards.scoring import current_quarter
from tests.analytics.scorecard_helpers import HAND_KPIS, HAND_RATINGS, HAND_TOTAL, rate, snapshot

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/scorecards/"
NOW = current_quarter().key


def test_a_partner_admin_reads_their_scorecard_computed_on_the_fly(api_for, partner_admin, partner):
    snapshot(partner, NOW, **HAND_KPIS)
    for key, value in HAND_RATINGS.items():
        rate(partner, NOW, key, value)
    assert not Scorecard.objects.exists()
    response = api_for(partner_admin).get(URL, {"period": NOW})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"partner", "period", "total", "criteria"}
    assert (body["partner"], body["period"], body["total"]) == (partner.pk, NOW, str(HAND_TOTAL))
    assert [c["key"] for c in body["criteria"]] == list(
        ScorecardCriterion.objects.order_by("position").values_list("key", flat=True)
    )
    assert len(body["criteria"]) == 12
    first = body["criteria"][0]
    assert {"key", "name", "weight", "value", "score"} <= set(first)
    assert first == first | {"key": "sourced_bookings", "weight": 15, "value": "100000.00", "score": "40.00"}
    assert Scorecard.objects.filter(partner=partner, period=NOW).count() == 1


def test_the_stored_scorecard_is_served_when_there_is_one(api_for, partner_admin, partner):
    api = api_for(partner_admin)
    api.get(URL, {"period": NOW, "partner": partner.pk})
    Scorecard.objects.filter(partner=partner).update(total="88.25")
    assert api.get(URL, {"period": NOW, "partner": partner.pk}).json()["total"] == "88.25"


@pytest.mark.parametrize("role", ["channel_manager", "finance_user", "program_admin"])
def test_internal_users_read_any_partner(api_for, role, request, other_partner):
    response = api_for(request.getfixturevalue(role)).get(URL, {"period": NOW, "partner": other_partner.pk})
    assert response.status_code == 200
    assert response.json()["partner"] == other_partner.pk


def test_internal_users_must_name_the_partner(api_for, channel_manager):
    response = api_for(channel_manager).get(URL, {"period": NOW})
    assert response.status_code == 400
    assert "partner" in response.json()


def test_partner_users_are_refused(api_for, partner_user, partner):
    assert api_for(partner_user).get(URL, {"period": NOW, "partner": partner.pk}).status_code == 403


def test_another_partners_scorecard_is_404(api_for, partner_admin, other_partner):
    assert api_for(partner_admin).get(URL, {"period": NOW, "partner": other_partner.pk}).status_code == 404
    assert not Scorecard.objects.filter(partner=other_partner).exists()


def test_anonymous_callers_are_refused(api_client, partner):
    assert api_client.get(URL, {"period": NOW, "partner": partner.pk}).status_code in (401, 403)


@pytest.mark.parametrize("period", ["", "2026-Q5", "2026-11", "Q4-2026"])
def test_a_bad_period_is_400(api_for, partner_admin, period):
    response = api_for(partner_admin).get(URL, {"period": period})
    assert response.status_code == 400
    assert "period" in response.json()


def test_a_malformed_partner_id_is_400(api_for, program_admin):
    response = api_for(program_admin).get(URL, {"period": NOW, "partner": "abc"})
    assert response.status_code == 400
    assert "partner" in response.json()


def test_an_unknown_partner_is_404(api_for, program_admin):
    assert api_for(program_admin).get(URL, {"period": NOW, "partner": 999999}).status_code == 404


def test_the_query_count_is_bounded(api_for, program_admin, partner, django_assert_max_num_queries):
    api = api_for(program_admin)
    with django_assert_max_num_queries(20):
        assert api.get(URL, {"period": NOW, "partner": partner.pk}).status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get(URL, {"period": NOW, "partner": partner.pk}).status_code == 200


def test_a_quarter_before_the_partner_joined_has_no_scorecard_404_not_500(api_for, partner_admin, partner):
    """Found by schemathesis (tests/api/test_schemathesis.py): a valid quarter the partner was not yet in."""
    response = api_for(partner_admin).get(URL, {"period": "2001-Q1"})
    assert response.status_code == 404
    assert "joined" in response.json()["detail"]
    assert not Scorecard.objects.filter(partner=partner, period="2001-Q1").exists()
