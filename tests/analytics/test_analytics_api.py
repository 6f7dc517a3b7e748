"""GET /api/v1/analytics/kpis/ and /api/v1/analytics/program/ (docs/api.md: Analytics)."""

import pytest

from analytics.services import rebuild_kpis
from prm.periods import quarter_of
from tests.analytics.kpi_fixture import build

pytestmark = pytest.mark.django_db

KPI_KEYS = [
    "partner",
    "period",
    "currency",
    "sourced_bookings",
    "influenced_bookings",
    "sourced_pipeline",
    "influenced_pipeline",
    "registered_deals",
    "registered_value",
    "win_rate",
    "sales_cycle_days",
    "average_deal_size",
    "certified_people",
    "mdf_utilisation",
    "pipeline_per_mdf_dollar",
    "commission_paid",
    "commission_owed",
    "leads_accepted",
]


@pytest.fixture
def program(partner, other_partner):
    data = build(partner, other_partner)
    rebuild_kpis()
    return data


def test_partner_admin_reads_their_kpis_without_naming_the_partner(api_for, partner_admin, partner, program):
    response = api_for(partner_admin).get("/api/v1/analytics/kpis/", {"period": program["month"].key})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == KPI_KEYS
    assert body["partner"] == partner.pk and body["currency"] == "USD"
    assert body["sourced_bookings"] == "40000.00" and body["influenced_bookings"] == "70000.00"
    assert body["win_rate"] == "0.6667" and body["sales_cycle_days"] == "15.0"
    assert body["average_deal_size"] == "20000.00" and body["mdf_utilisation"] == "0.5000"
    assert body["pipeline_per_mdf_dollar"] == "5.00" and body["commission_owed"] == "300.00"
    assert body["registered_deals"] == 3 and body["certified_people"] == 2 and body["leads_accepted"] == 2


def test_a_quarter_answers_its_months_combined(api_for, partner_admin, program):
    key = quarter_of(program["month"].start).key
    body = api_for(partner_admin).get("/api/v1/analytics/kpis/", {"period": key}).json()
    assert body["period"] == key and body["sourced_bookings"] == "40000.00" and body["win_rate"] == "0.6667"


def test_a_period_without_snapshot_answers_zeros(api_for, program_admin, partner):
    body = api_for(program_admin).get("/api/v1/analytics/kpis/", {"partner": partner.pk, "period": "2019-Q1"}).json()
    assert body["sourced_bookings"] == "0.00" and body["win_rate"] is None and body["registered_deals"] == 0


def test_another_partners_id_is_404_and_partner_users_are_403(api_for, partner_admin, partner_user, other_partner):
    api = api_for(partner_admin)
    assert api.get("/api/v1/analytics/kpis/", {"partner": other_partner.pk, "period": "2026-Q1"}).status_code == 404
    assert api_for(partner_user).get("/api/v1/analytics/kpis/", {"period": "2026-Q1"}).status_code == 403


def test_internal_users_must_name_the_partner_and_a_valid_period(api_for, finance_user, partner):
    api = api_for(finance_user)
    response = api.get("/api/v1/analytics/kpis/", {"period": "2026-Q1"})
    assert response.status_code == 400 and "partner" in response.json()
    response = api.get("/api/v1/analytics/kpis/", {"partner": partner.pk, "period": "2026-Q7"})
    assert response.status_code == 400 and "period" in response.json()
    assert api.get("/api/v1/analytics/kpis/", {"partner": "x1", "period": "2026-Q1"}).status_code == 400
    assert api.get("/api/v1/analytics/kpis/", {"partner": 999999, "period": "2026-Q1"}).status_code == 404


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get("/api/v1/analytics/kpis/", {"period": "2026-Q1"}).status_code in (401, 403)
    assert api_client.get("/api/v1/analytics/program/", {"period": "2026-Q1", "group_by": "tier"}).status_code in (
        401,
        403,
    )


def test_program_groups_recompute_rates_from_summed_counts(api_for, channel_manager, program):
    key = quarter_of(program["month"].start).key
    response = api_for(channel_manager).get("/api/v1/analytics/program/", {"period": key, "group_by": "region"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == key and body["group_by"] == "region" and list(body) == ["period", "group_by", "groups"]
    groups = {g["key"]: g for g in body["groups"]}
    na = groups["na"]
    assert na["name"] == "North America" and na["sourced_bookings"] == "40000.00" and na["win_rate"] == "0.6667"
    assert groups["emea"]["sourced_bookings"] == "50000.00" and groups["emea"]["win_rate"] == "1.0000"
    assert list(na)[:2] == ["key", "name"] and set(KPI_KEYS[3:]) <= set(na)


def test_program_groups_by_tier_sum_partners(api_for, program_admin, partner, other_partner, program):
    from deals.models import DealStatus
    from tests.analytics.kpi_fixture import deal

    second_gold = type(partner).objects.create(
        name="Initech", partner_type=partner.partner_type, tier=partner.tier, country="US", region="na"
    )
    deal(second_gold, status=DealStatus.LOST, amount="1000", close=program["month"].start)
    rebuild_kpis()
    key = program["month"].key
    groups = (
        api_for(program_admin).get("/api/v1/analytics/program/", {"period": key, "group_by": "tier"}).json()["groups"]
    )
    gold = next(g for g in groups if g["name"] == "Gold")
    # Acme 2 won / 1 lost and Initech 1 lost: 2 / 4, not the average of 0.6667 and 0.
    assert gold["win_rate"] == "0.5000" and gold["key"] == str(partner.tier_id)


@pytest.mark.parametrize("group_by", ["", "manager", "tier;drop"])
def test_program_rejects_other_groupings_and_bad_periods(api_for, program_admin, group_by):
    api = api_for(program_admin)
    response = api.get("/api/v1/analytics/program/", {"period": "2026-Q1", "group_by": group_by})
    assert response.status_code == 400 and "group_by" in response.json()
    assert api.get("/api/v1/analytics/program/", {"period": "soon", "group_by": "tier"}).status_code == 400


def test_partner_roles_cannot_read_the_program(api_for, partner_admin):
    assert (
        api_for(partner_admin).get("/api/v1/analytics/program/", {"period": "2026-Q1", "group_by": "tier"}).status_code
        == 403
    )


def test_both_endpoints_use_a_bounded_number_of_queries(
    api_for, program_admin, partner, program, django_assert_max_num_queries
):
    api = api_for(program_admin)
    with django_assert_max_num_queries(8):
        assert (
            api.get("/api/v1/analytics/kpis/", {"partner": partner.pk, "period": program["month"].key}).status_code
            == 200
        )
    with django_assert_max_num_queries(8):
        assert (
            api.get("/api/v1/analytics/program/", {"period": program["month"].key, "group_by": "tier"}).status_code
            == 200
        )
