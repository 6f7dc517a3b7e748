"""docs/api.md: Partners: applications (public create, internal reads, decisions) and tier progress."""

import pytest
from django.core import mail

from partners.models import Application, ApplicationStatus
from tests.factories import PartnerFactory, tier
from tests.partners.conftest import SILVER
from tests.partners.factories import ApplicationFactory, application_data

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"


def test_anyone_can_apply_without_logging_in(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(URL, application_data(), format="json")
    assert response.status_code == 201, response.json()
    application = Application.objects.get(pk=response.json()["id"])
    assert response.json()["status"] == "submitted"
    assert application.contact_email == "peter@initech.example"
    assert mail.outbox[0].to == ["peter@initech.example"]


def test_bad_input_gets_field_errors(api_client):
    response = api_client.post(
        URL, application_data(contact_email="nope", country="XX", website="local", company_name=""), format="json"
    )
    assert response.status_code == 400
    assert {"contact_email", "country", "website", "company_name"} <= set(response.json())
    assert not Application.objects.exists()


def test_the_honeypot_must_stay_empty(api_client):
    response = api_client.post(URL, application_data(website_url="http://spam.example"), format="json")
    assert response.status_code == 400 and "website_url" in response.json()
    assert not Application.objects.exists()


def test_applications_are_throttled_per_address(api_client):
    for _ in range(20):
        assert api_client.post(URL, application_data(), format="json").status_code == 201
    response = api_client.post(URL, application_data(), format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Application.objects.count() == 20


def test_internal_users_list_applications_with_the_contract_fields(api_for, finance_user):
    ApplicationFactory.create_batch(3)
    response = api_for(finance_user).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {"id", "company_name", "status", "score", "fit_score", "willingness_score", "quadrant", "created_at"} <= set(
        body["results"][0]
    )


def test_partner_users_may_not_read_applications(api_for, partner_admin):
    """Applications are internal-only: the list is refused (403), one application is outside the tenancy (404)."""
    application = ApplicationFactory()
    assert api_for(partner_admin).get(URL).status_code == 403
    assert api_for(partner_admin).get(f"{URL}{application.pk}/").status_code == 404


def test_anonymous_callers_may_not_list_applications(api_client):
    assert api_client.get(URL).status_code in (401, 403)


def test_a_channel_manager_approves_through_the_api(api_for, channel_manager):
    application = ApplicationFactory()
    response = api_for(channel_manager).post(f"{URL}{application.pk}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "approved" and response.json()["partner"]
    again = api_for(channel_manager).post(f"{URL}{application.pk}/approve/")
    assert again.status_code == 409 and again.json()["code"].startswith("invalid_transition")


def test_reject_needs_a_reason(api_for, program_admin):
    application = ApplicationFactory()
    assert api_for(program_admin).post(f"{URL}{application.pk}/reject/", {}).status_code == 400
    response = api_for(program_admin).post(f"{URL}{application.pk}/reject/", {"reason": "No fit"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert api_for(program_admin).post(f"{URL}{application.pk}/reject/", {"reason": "x"}).status_code == 409


def test_finance_and_partners_may_not_decide(api_for, finance_user, partner_admin):
    application = ApplicationFactory()
    assert api_for(finance_user).post(f"{URL}{application.pk}/approve/").status_code == 403
    assert api_for(partner_admin).post(f"{URL}{application.pk}/reject/", {"reason": "x"}).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_tier_progress_for_the_partners_own_users(api_for, partner_user, partner, fake_metrics):
    fake_metrics({partner.pk: {"registered_deals": 50}})
    response = api_for(partner_user).get(f"/api/v1/partners/{partner.pk}/tier-progress/")
    assert response.status_code == 200
    body = response.json()
    assert body["tier"] == "Gold" and body["next_tier"] == "Platinum"
    deals = next(r for r in body["requirements"] if r["name"] == "Registered deals")
    assert deals == {
        "metric": "registered_deals",
        "name": "Registered deals",
        "required": "40.00",
        "actual": "50.00",
        "met": True,
    }


def test_tier_progress_of_another_partner_is_404(api_for, partner_user, other_partner):
    assert api_for(partner_user).get(f"/api/v1/partners/{other_partner.pk}/tier-progress/").status_code == 404


def test_internal_users_see_any_partners_tier_progress_and_the_top_tier_has_no_next(
    api_for, channel_manager, fake_metrics
):
    top = PartnerFactory(tier=tier("Platinum"))
    fake_metrics({top.pk: SILVER})
    body = api_for(channel_manager).get(f"/api/v1/partners/{top.pk}/tier-progress/").json()
    assert body["tier"] == "Platinum" and body["next_tier"] is None
    assert not all(r["met"] for r in body["requirements"])


def test_a_second_partner_for_a_domain_is_refused_with_409_naming_the_existing_one(api_for, channel_manager):
    first = ApplicationFactory(website_domain="initech.example")
    second = ApplicationFactory(website_domain="initech.example")
    assert api_for(channel_manager).post(f"{URL}{first.pk}/approve/").status_code == 200
    first.refresh_from_db()

    response = api_for(channel_manager).post(f"{URL}{second.pk}/approve/")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "partner_domain_exists"
    assert body["partner"] == {"id": first.partner_id, "name": first.partner.name}
    assert first.partner.name in body["detail"]
    second.refresh_from_db()
    assert second.status == ApplicationStatus.SUBMITTED
