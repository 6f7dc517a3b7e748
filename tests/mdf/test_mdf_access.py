"""Who requests and claims MDF (docs/api.md: MDF access): every user of the partner, unless a partner admin
restricts it to admins and marketing users in the team settings; the refusal names the setting and the admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from mdf import services
from mdf.models import MdfClaim, MdfRequest, MdfRequesters, PartnerMdfAccess
from prm.models import AuditEntry
from tests.factories import InternalUserFactory
from tests.mdf.factories import PDF, ActivityTypeFactory, MarketingUserFactory, allocate, approved_request

pytestmark = pytest.mark.django_db

SETTING = "Who requests and claims MDF"


def request_form(activity):
    return {
        "activity_type": activity.pk,
        "title": "Partner summit booth",
        "start_date": "2026-01-10",
        "end_date": "2026-01-12",
        "total_cost": "6000.00",
        "requested_amount": "3000.00",
    }


def claim_form(mdf_request):
    return {
        "request": mdf_request.pk,
        "actual_cost": "4000.00",
        "claimed_amount": "2000.00",
        "results": "52 leads",
        "proof": [SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")],
    }


def restrict(partner_admin, api_for):
    response = api_for(partner_admin).patch(
        f"/api/v1/mdf/access/{partner_admin.partner_id}/", {"requesters": "admins_and_marketing"}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_sales_user_requests_and_claims_mdf_by_default_on_the_pages(client_for, partner, partner_user):
    allocate(partner, "9000")
    client = client_for(partner_user)
    assert client.get("/mdf/requests/new/").status_code == 200
    response = client.post("/mdf/requests/new/", request_form(ActivityTypeFactory()))
    assert response.status_code == 302, response.content.decode()
    assert MdfRequest.objects.get().requested_by == partner_user
    mdf_request = approved_request(partner)
    url = f"/mdf/requests/{mdf_request.pk}/claim/new/"
    assert client.get(url).status_code == 200
    form = claim_form(mdf_request)
    del form["request"]
    response = client.post(url, form)
    assert response.status_code == 302 and MdfClaim.objects.filter(request=mdf_request).count() == 1


def test_a_sales_user_requests_and_claims_mdf_by_default_through_the_api(api_for, partner, partner_user):
    allocate(partner, "9000")
    api = api_for(partner_user)
    assert api.post("/api/v1/mdf/requests/", request_form(ActivityTypeFactory()), format="json").status_code == 201
    mdf_request = approved_request(partner)
    response = api.post("/api/v1/mdf/claims/", claim_form(mdf_request), format="multipart")
    assert response.status_code == 201, response.content


def test_after_the_admin_restricts_it_a_sales_user_is_refused_with_the_setting_and_the_admin_named(
    api_for, client_for, partner, partner_admin, partner_user
):
    allocate(partner, "9000")
    mdf_request = approved_request(partner)
    body = restrict(partner_admin, api_for)
    assert body["requesters"] == "admins_and_marketing" and body["changed_by"] == partner_admin.pk
    api = api_for(partner_user)
    for response in (
        api.post("/api/v1/mdf/requests/", request_form(ActivityTypeFactory()), format="json"),
        api.post("/api/v1/mdf/claims/", claim_form(mdf_request), format="multipart"),
    ):
        assert response.status_code == 403
        detail = response.json()["detail"]
        assert SETTING in detail and "alice@acme.example" in detail
    client = client_for(partner_user)
    for response in (
        client.get("/mdf/requests/new/"),
        client.post("/mdf/requests/new/", request_form(ActivityTypeFactory())),
        client.get(f"/mdf/requests/{mdf_request.pk}/claim/new/"),
    ):
        page = response.content.decode()
        assert response.status_code == 403 and SETTING in page and "alice@acme.example" in page
    assert not MdfClaim.objects.exists() and MdfRequest.objects.count() == 1


def test_a_restriction_still_lets_admins_and_marketing_users_request(api_for, partner, partner_admin):
    restrict(partner_admin, api_for)
    marketing = MarketingUserFactory(partner=partner)
    for user in (partner_admin, marketing):
        response = api_for(user).post("/api/v1/mdf/requests/", request_form(ActivityTypeFactory()), format="json")
        assert response.status_code == 201, response.content


def test_the_admin_changes_the_setting_on_the_team_page_and_it_is_audited(
    client_for, partner, partner_admin, partner_user
):
    client = client_for(partner_admin)
    page = client.get(f"/partners/{partner.pk}/").content.decode()
    assert SETTING in page and 'action="/mdf/access/"' in page
    response = client.post("/mdf/access/", {"requesters": "admins_and_marketing"})
    assert response.status_code == 302 and response["Location"] == f"/partners/{partner.pk}/#mdf-access"
    access = PartnerMdfAccess.objects.get(partner=partner)
    assert (access.requesters, access.changed_by) == (MdfRequesters.ADMINS_AND_MARKETING, partner_admin)
    assert AuditEntry.objects.filter(object_id=access.pk, to_state="admins_and_marketing").exists()
    assert services.requester_refusal(partner_user)
    # A sales user sees the setting on the team page but gets no form, and may not post it.
    client = client_for(partner_user)
    page = client.get(f"/partners/{partner.pk}/").content.decode()
    assert "Partner admins and marketing users only" in page and 'action="/mdf/access/"' not in page
    assert client.post("/mdf/access/", {"requesters": "everyone"}).status_code == 403
    assert PartnerMdfAccess.objects.get(partner=partner).requesters == MdfRequesters.ADMINS_AND_MARKETING


def test_a_bad_choice_changes_nothing_on_the_page_and_is_a_400_in_the_api(client_for, api_for, partner_admin):
    response = client_for(partner_admin).post("/mdf/access/", {"requesters": "nobody"}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    response = api_for(partner_admin).patch(
        f"/api/v1/mdf/access/{partner_admin.partner_id}/", {"requesters": "nobody"}, format="json"
    )
    assert response.status_code == 400 and "requesters" in response.json()
    assert not PartnerMdfAccess.objects.exists()


def test_the_api_setting_is_read_inside_the_tenancy_and_changed_only_by_the_partners_admin(
    api_for, partner, partner_user, other_partner_user
):
    url = f"/api/v1/mdf/access/{partner.pk}/"
    body = api_for(partner_user).get(url).json()
    assert body == {"partner": partner.pk, "requesters": "everyone", "changed_by": None, "changed_at": None}
    manager = InternalUserFactory(role=Role.CHANNEL_MANAGER)
    assert api_for(manager).get(url).status_code == 200
    assert api_for(other_partner_user).get(url).status_code == 404
    assert api_for(other_partner_user).patch(url, {"requesters": "everyone"}, format="json").status_code == 404
    assert api_for(partner_user).patch(url, {"requesters": "everyone"}, format="json").status_code == 403
    assert api_for(manager).patch(url, {"requesters": "everyone"}, format="json").status_code == 403
