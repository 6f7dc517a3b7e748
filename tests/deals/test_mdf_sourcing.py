"""A registration can name the partner's approved MDF activity that sourced it (issue on MDF, item 6)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from deals.models import DealRegistration
from mdf.models import ActivityType, MdfRequest, RequestStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BODY = {
    "customer_name": "Initrode Holdings",
    "customer_domain": "initrode.example",
    "customer_country": "US",
    "amount": "42000.00",
    "currency": "USD",
}


def _request(partner, status=RequestStatus.APPROVED):
    today = timezone.localdate()
    return MdfRequest.objects.create(
        partner=partner,
        activity_type=ActivityType.objects.first(),
        title="Data summit booth",
        start_date=today - timedelta(days=10),
        end_date=today - timedelta(days=9),
        total_cost=Decimal("10000.00"),
        requested_amount=Decimal("5000.00"),
        currency="USD",
        status=status,
        requested_by=partner.users.first() or UserFactory(partner=partner),
    )


def test_a_deal_registered_through_the_api_names_the_mdf_activity_that_sourced_it(api_for, partner_user, partner):
    activity = _request(partner)
    response = api_for(partner_user).post("/api/v1/deals/", {**BODY, "mdf_request": activity.pk}, format="json")
    assert response.status_code == 201
    assert DealRegistration.objects.get(pk=response.json()["id"]).mdf_request == activity


def test_another_partners_or_an_unapproved_activity_is_refused_with_a_field_error(
    api_for, partner_user, other_partner, partner
):
    for activity in (_request(other_partner), _request(partner, status=RequestStatus.SUBMITTED)):
        response = api_for(partner_user).post("/api/v1/deals/", {**BODY, "mdf_request": activity.pk}, format="json")
        assert response.status_code == 400
        assert "mdf_request" in response.json()
    assert not DealRegistration.objects.exists()


def test_the_registration_page_offers_only_the_partners_approved_activities(
    client_for, partner_user, partner, other_partner
):
    mine = _request(partner)
    theirs = _request(other_partner)
    theirs.title = "Someone else's webinar"
    theirs.save(update_fields=["title"])
    page = client_for(partner_user).get("/deals/new/").content.decode()
    assert f'value="{mine.pk}"' in page and "Someone else" not in page
    response = client_for(partner_user).post(
        "/deals/new/", {**BODY, "deal_type": "new_business", "mdf_request": mine.pk}
    )
    assert response.status_code == 302
    assert DealRegistration.objects.get().mdf_request == mine
