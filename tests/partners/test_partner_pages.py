"""Partner directory and profile pages: roles, tenancy, filters, CSV, and bounded queries."""

import pytest
from django.urls import reverse

from partners.models import Partner
from tests.factories import PartnerFactory, tier

pytestmark = pytest.mark.django_db


def test_partner_user_sees_their_own_profile(client_for, partner_user, partner):
    response = client_for(partner_user).get(reverse("partners:detail", args=[partner.pk]))
    assert response.status_code == 200
    assert "Acme Cloud Partners" in response.content.decode()


def test_partner_user_gets_404_for_another_partners_profile(client_for, partner_user, other_partner):
    response = client_for(partner_user).get(reverse("partners:detail", args=[other_partner.pk]))
    assert response.status_code == 404
    assert "Globex" not in response.content.decode()


def test_partner_user_asking_for_the_directory_lands_on_their_own_profile(client_for, partner_user, partner):
    response = client_for(partner_user).get(reverse("partners:directory"))
    assert response.status_code == 302
    assert response.url == reverse("partners:detail", args=[partner.pk])


def test_anonymous_visitor_is_sent_to_login(client, partner):
    response = client.get(reverse("partners:detail", args=[partner.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


@pytest.mark.parametrize("role_fixture", ["channel_manager", "finance_user", "program_admin"])
def test_internal_roles_browse_the_directory(request, client_for, role_fixture, partner, other_partner):
    user = request.getfixturevalue(role_fixture)
    response = client_for(user).get(reverse("partners:directory"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme Cloud Partners" in body and "Globex Integrators" in body


def test_directory_filters_by_tier_and_search(client_for, channel_manager, partner, other_partner):
    client = client_for(channel_manager)
    body = client.get(reverse("partners:directory"), {"tier": tier("Silver").pk}).content.decode()
    assert "Globex Integrators" in body and "Acme Cloud Partners" not in body
    body = client.get(reverse("partners:directory"), {"q": "acme"}).content.decode()
    assert "Acme Cloud Partners" in body and "Globex Integrators" not in body


def test_directory_exports_the_filtered_rows_as_csv(client_for, channel_manager, partner, other_partner):
    response = client_for(channel_manager).get(reverse("partners:directory"), {"region": "emea", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = b"".join(response.streaming_content).decode().strip().splitlines()
    assert rows[0].startswith("Id,Name,")
    assert len(rows) == 2 and "Globex Integrators" in rows[1]
    assert "Systems" not in rows[1] and "Reseller (VAR)" in rows[1]


def test_directory_runs_a_bounded_number_of_queries(client_for, channel_manager, django_assert_max_num_queries):
    PartnerFactory.create_batch(30)
    client = client_for(channel_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("partners:directory"))
    assert response.status_code == 200


def test_profile_page_runs_a_bounded_number_of_queries(
    client_for, channel_manager, partner, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    UserFactory.create_batch(15, partner=partner)
    client = client_for(channel_manager)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("partners:detail", args=[partner.pk]))
    assert response.status_code == 200


def test_partner_admin_edits_their_company_profile(client_for, partner_admin, partner):
    response = client_for(partner_admin).post(
        reverse("partners:edit", args=[partner.pk]),
        {
            "legal_name": "Acme Cloud Partners LLC",
            "website_domain": "https://www.Acme.example/about",
            "description": "Cloud resale",
            "phone": "",
            "address": "",
            "employee_count": "120",
            "verticals": ["retail", "healthcare"],
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.legal_name == "Acme Cloud Partners LLC"
    assert partner.website_domain == "acme.example"
    assert partner.verticals == ["retail", "healthcare"]


def test_bad_profile_input_is_shown_next_to_the_field(client_for, partner_admin, partner):
    response = client_for(partner_admin).post(
        reverse("partners:edit", args=[partner.pk]), {"employee_count": "many", "website_domain": "acme.example"}
    )
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()


def test_partner_user_who_is_not_admin_cannot_edit_the_profile(client_for, partner_user, partner):
    assert client_for(partner_user).get(reverse("partners:edit", args=[partner.pk])).status_code == 403


def test_partner_admin_cannot_change_their_own_tier(client_for, partner_admin, partner):
    response = client_for(partner_admin).post(
        reverse("partners:action", args=[partner.pk, "tier"]), {"tier": tier("Platinum").pk, "reason": "please"}
    )
    assert response.status_code == 403
    assert Partner.objects.get(pk=partner.pk).tier.name == "Gold"


@pytest.mark.parametrize(
    "role_fixture", ["partner_user", "partner_admin", "channel_manager", "finance_user", "program_admin"]
)
def test_every_role_reaches_its_home_page(request, client_for, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
