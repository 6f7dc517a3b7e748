"""Partners and tiers API (docs/api.md: Partners): tenancy, roles, filters, pagination and query counts."""

import pytest

from accounts.services import create_api_token
from partners.models import Partner, PartnerType, Region, Tier
from prm.api import StandardPagination
from tests.factories import InternalUserFactory, PartnerFactory, tier

pytestmark = pytest.mark.django_db

PARTNERS_URL = "/api/v1/partners/"
TIERS_URL = "/api/v1/tiers/"
CONTRACT_FIELDS = {
    "id",
    "name",
    "partner_type",
    "tier",
    "status",
    "country",
    "region",
    "channel_manager",
    "onboarding_progress",
}


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def test_partner_user_lists_only_their_own_partner(api_for, partner_user, partner, other_partner):
    response = api_for(partner_user).get(PARTNERS_URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert names(response) == ["Acme Cloud Partners"]


def test_partner_rows_carry_the_contract_fields_in_their_contract_shape(
    api_for, partner_user, partner, channel_manager
):
    partner.channel_manager = channel_manager
    partner.onboarding_progress = 40
    partner.save()
    row = api_for(partner_user).get(PARTNERS_URL).json()["results"][0]
    assert CONTRACT_FIELDS <= set(row)
    assert row["id"] == partner.pk
    assert row["name"] == "Acme Cloud Partners"
    assert row["partner_type"] == "reseller"
    assert row["tier"] == "Gold"
    assert row["status"] == "active"
    assert row["country"] == "US"
    assert row["region"] == "na"
    assert row["channel_manager"] == channel_manager.pk
    assert row["onboarding_progress"] == 40


def test_partner_user_reads_their_own_partner(api_for, partner_user, partner):
    response = api_for(partner_user).get(f"{PARTNERS_URL}{partner.pk}/")
    assert response.status_code == 200
    assert response.json()["name"] == "Acme Cloud Partners"


@pytest.mark.parametrize("user_fixture", ["partner_user", "partner_admin"])
def test_another_partners_record_is_404_for_partner_users(request, api_for, user_fixture, other_partner):
    user = request.getfixturevalue(user_fixture)
    response = api_for(user).get(f"{PARTNERS_URL}{other_partner.pk}/")
    assert response.status_code == 404
    assert "Globex" not in response.content.decode()


def test_an_id_that_does_not_exist_is_the_same_404(api_for, partner_user, other_partner):
    missing = api_for(partner_user).get(f"{PARTNERS_URL}{other_partner.pk + 1000}/")
    hidden = api_for(partner_user).get(f"{PARTNERS_URL}{other_partner.pk}/")
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


def test_partner_user_with_a_token_sees_only_their_partner_too(partner_user, partner, other_partner):
    from rest_framework.test import APIClient

    _, secret = create_api_token(user=partner_user, name="CRM", scope="read")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert names(api.get(PARTNERS_URL)) == ["Acme Cloud Partners"]
    assert api.get(f"{PARTNERS_URL}{other_partner.pk}/").status_code == 404


@pytest.mark.parametrize("role_fixture", ["channel_manager", "finance_user", "program_admin"])
def test_internal_users_see_every_partner(request, api_for, role_fixture, partner, other_partner):
    user = request.getfixturevalue(role_fixture)
    api = api_for(user)
    response = api.get(PARTNERS_URL)
    assert response.json()["count"] == 2
    assert names(response) == ["Acme Cloud Partners", "Globex Integrators"]
    assert api.get(f"{PARTNERS_URL}{other_partner.pk}/").status_code == 200


def test_partners_need_credentials(api_client, partner):
    assert api_client.get(PARTNERS_URL).status_code == 401
    assert api_client.get(f"{PARTNERS_URL}{partner.pk}/").status_code == 401


def test_partners_are_read_only(api_for, program_admin, partner):
    api = api_for(program_admin)
    assert api.post(PARTNERS_URL, {"name": "New"}, format="json").status_code == 405
    assert api.delete(f"{PARTNERS_URL}{partner.pk}/").status_code == 405


def test_partners_filter_by_partner_type(api_for, channel_manager, partner, other_partner):
    PartnerFactory(name="Initech MSP", partner_type=PartnerType.MSP)
    response = api_for(channel_manager).get(PARTNERS_URL, {"partner_type": "msp"})
    assert response.status_code == 200
    assert names(response) == ["Initech MSP"]


def test_an_unknown_partner_type_gets_400_on_that_field(api_for, channel_manager, partner):
    response = api_for(channel_manager).get(PARTNERS_URL, {"partner_type": "pirate"})
    assert response.status_code == 400
    assert "partner_type" in response.json()


def test_partners_filter_by_tier_id(api_for, channel_manager, partner, other_partner):
    response = api_for(channel_manager).get(PARTNERS_URL, {"tier": tier("Silver").pk})
    assert names(response) == ["Globex Integrators"]


def test_partners_filter_by_tier_name_as_the_api_shows_it(api_for, channel_manager, partner, other_partner):
    response = api_for(channel_manager).get(PARTNERS_URL, {"tier": "gold"})
    assert response.status_code == 200
    assert names(response) == ["Acme Cloud Partners"]


def test_partners_filter_by_region(api_for, channel_manager, partner, other_partner):
    response = api_for(channel_manager).get(PARTNERS_URL, {"region": Region.EMEA})
    assert names(response) == ["Globex Integrators"]


def test_a_filter_never_widens_a_partner_users_view(api_for, partner_user, partner, other_partner):
    response = api_for(partner_user).get(PARTNERS_URL, {"tier": tier("Silver").pk})
    assert response.json()["count"] == 0


def test_page_size_chooses_the_page_length_and_links_the_next_page(api_for, channel_manager, partner, other_partner):
    api = api_for(channel_manager)
    first = api.get(PARTNERS_URL, {"page_size": 1}).json()
    assert first["count"] == 2 and len(first["results"]) == 1
    assert first["previous"] is None and "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert [row["name"] for row in second["results"]] == ["Globex Integrators"]
    assert second["next"] is None and second["previous"]


def test_page_size_above_200_is_capped_at_200(api_for, channel_manager):
    assert StandardPagination.max_page_size == 200
    registered = tier("Registered")
    Partner.objects.bulk_create(
        Partner(
            name=f"Bulk {n:03}",
            partner_type=PartnerType.REFERRAL,
            tier=registered,
            status="active",
            country="US",
            region=Region.NORTH_AMERICA,
        )
        for n in range(201)
    )
    body = api_for(channel_manager).get(PARTNERS_URL, {"page_size": 500}).json()
    assert body["count"] == 201
    assert len(body["results"]) == 200
    assert body["next"]


def test_default_page_holds_fifty(api_for, channel_manager):
    PartnerFactory.create_batch(51)
    body = api_for(channel_manager).get(PARTNERS_URL).json()
    assert len(body["results"]) == 50 and body["next"]


def test_partner_list_uses_a_bounded_number_of_queries(api_for, django_assert_max_num_queries):
    managers = [InternalUserFactory() for _ in range(3)]
    for n in range(30):
        PartnerFactory(channel_manager=managers[n % 3], tier=tier(["Registered", "Silver", "Gold"][n % 3]))
    api = api_for(managers[0])
    api.get(PARTNERS_URL)  # the first call remembers in the session that MFA is set up
    with django_assert_max_num_queries(4):  # session, count, one page with tiers and managers joined
        response = api.get(PARTNERS_URL)
    assert response.json()["count"] == 30
    assert all(row["channel_manager_name"] for row in response.json()["results"])


# --- tiers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role_fixture", ["partner_user", "partner_admin", "channel_manager", "finance_user"])
def test_any_user_lists_the_four_tiers_lowest_first(request, api_for, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = api_for(user).get(TIERS_URL)
    assert response.status_code == 200
    tiers = response.json()["results"]  # docs/api.md: lists are paginated
    assert [t["name"] for t in tiers] == ["Registered", "Silver", "Gold", "Platinum"]
    assert [t["rank"] for t in tiers] == [0, 1, 2, 3]
    for row in tiers:
        assert {"id", "name", "rank", "requirements", "benefits"} <= set(row)


def test_tiers_carry_requirements_and_benefits(api_for, partner_user):
    gold = next(t for t in api_for(partner_user).get(TIERS_URL).json()["results"] if t["name"] == "Gold")
    assert gold["requirements"], "Gold has requirements"
    assert {"metric", "name", "minimum"} <= set(gold["requirements"][0])
    assert gold["benefits"]["mdf_accrual_rate"] == "0.0300"
    # The caller's own type (a reseller): the reseller plan's rate at Gold (docs/program-terms.md).
    assert gold["benefits"]["commission_rate"] == "0.3000"
    assert {c["partner_type"] for c in gold["benefits"]["commissions"]} == set(PartnerType.values)
    assert {"protection_days", "content_access", "advisory_board_eligible", "extra"} <= set(gold["benefits"])


def test_one_tier_can_be_read_by_id(api_for, partner_user):
    response = api_for(partner_user).get(f"{TIERS_URL}{tier('Silver').pk}/")
    assert response.status_code == 200
    assert response.json()["name"] == "Silver"


def test_tiers_need_credentials(api_client):
    assert api_client.get(TIERS_URL).status_code == 401


def test_tier_list_uses_a_bounded_number_of_queries(api_for, partner_user, django_assert_max_num_queries):
    api = api_for(partner_user)
    # The page's count, the tiers, their requirements; the caller's partner; and the benefits as applied,
    # computed once per response (docs/program-terms.md): the tiers, the policy in force, the MDF rates, the
    # tier ranks, the plans and their rules.
    with django_assert_max_num_queries(10):
        api.get(TIERS_URL)
    for rank in (4, 5, 6):  # more tiers, no more queries
        Tier.objects.create(name=f"Extra {rank}", rank=rank)
    with django_assert_max_num_queries(10):
        assert len(api.get(TIERS_URL).json()["results"]) == 7


@pytest.mark.parametrize("value", ["99999999999999999999999999", "²", "Gold'; --", "", " 2 "])
def test_odd_tier_filters_never_fail(api_for, channel_manager, partner, value):
    response = api_for(channel_manager).get(PARTNERS_URL, {"tier": value})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "99999999999999999999"},
        {"page_size": "-1"},
        {"page_size": "abc"},
        {"page": "0"},
        {"channel_manager": "99999999999999999999999"},
    ],
)
def test_odd_pagination_and_filter_values_never_fail(api_for, channel_manager, partner, params):
    response = api_for(channel_manager).get(PARTNERS_URL, params)
    assert response.status_code in (200, 400, 404)


def test_odd_partner_ids_are_404(api_for, channel_manager):
    assert api_for(channel_manager).get(f"{PARTNERS_URL}99999999999999999999999/").status_code == 404
