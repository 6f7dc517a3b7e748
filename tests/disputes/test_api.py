"""Disputes API and the partner-facing deal API's silence about the other registration."""

import pytest

from deals.models import DealStatus
from disputes.models import Dispute, DisputeStatus
from tests.disputes.factories import open_dispute, pdf

pytestmark = pytest.mark.django_db

DISPUTES = "/api/v1/disputes/"


def test_partner_deal_api_never_names_the_conflicting_registration(api_for, partner_admin, rejected, holder):
    data = api_for(partner_admin).get(f"/api/v1/deals/{rejected.pk}/").json()
    assert "conflict_with" not in data and "match_evidence" not in data
    text = str(data)
    assert holder.partner.name not in text and str(holder.pk) not in str(data.get("duplicate_of"))
    listing = api_for(partner_admin).get("/api/v1/deals/").json()
    assert all("conflict_with" not in row and "match_evidence" not in row for row in listing["results"])


def test_internal_deal_api_has_the_evidence(api_for, channel_manager, rejected, holder):
    data = api_for(channel_manager).get(f"/api/v1/deals/{rejected.pk}/").json()
    assert data["conflict_with"] == holder.pk
    assert data["match_evidence"][0]["same_domain"] is True


def test_partner_opens_a_dispute_with_files(api_for, partner_admin, rejected):
    response = api_for(partner_admin).post(
        DISPUTES, {"deal": rejected.pk, "reason": "First!", "files": [pdf()]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["deal"] == rejected.pk
    assert len(body["files"]) == 1 and "holder" not in body and "match_evidence" not in body
    again = api_for(partner_admin).post(DISPUTES, {"deal": rejected.pk, "reason": "Again"}, format="json")
    assert again.status_code == 400 and "deal" in again.json()


def test_opening_needs_a_reason(api_for, partner_admin, rejected):
    response = api_for(partner_admin).post(DISPUTES, {"deal": rejected.pk}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_open_roles_and_tenancy(api_for, rejected, other_partner_user, channel_manager, partner_user):
    body = {"deal": rejected.pk, "reason": "x"}
    assert api_for(other_partner_user).post(DISPUTES, body, format="json").status_code == 404
    assert api_for(channel_manager).post(DISPUTES, body, format="json").status_code == 403
    assert api_for(partner_user).post(DISPUTES, body, format="json").status_code == 403
    assert not Dispute.objects.exists()


def test_list_and_detail_are_scoped(
    api_for, dispute, partner_user, other_partner_user, channel_manager, finance_user, django_assert_max_num_queries
):
    api = api_for(partner_user)
    with django_assert_max_num_queries(12):
        own = api.get(DISPUTES).json()
    assert [row["id"] for row in own["results"]] == [dispute.pk]
    assert api_for(other_partner_user).get(DISPUTES).json()["count"] == 0
    assert api_for(other_partner_user).get(f"{DISPUTES}{dispute.pk}/").status_code == 404
    assert api_for(finance_user).get(DISPUTES).status_code == 403
    internal = api_for(channel_manager).get(f"{DISPUTES}{dispute.pk}/").json()
    assert internal["holder"]["id"] == dispute.deal.conflict_with_id
    assert internal["match_evidence"]


def test_overdue_filter(api_for, channel_manager, dispute):
    assert api_for(channel_manager).get(DISPUTES, {"overdue": "true"}).json()["count"] == 0
    assert api_for(channel_manager).get(DISPUTES, {"overdue": "false"}).json()["count"] == 1


def test_manager_reverses_through_the_api(api_for, channel_manager, dispute, holder):
    response = api_for(channel_manager).post(f"{DISPUTES}{dispute.pk}/reverse/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == DisputeStatus.REVERSED
    holder.refresh_from_db()
    assert holder.status == DealStatus.REJECTED
    again = api_for(channel_manager).post(f"{DISPUTES}{dispute.pk}/uphold/", {"note": "x"}, format="json")
    assert again.status_code == 409


def test_uphold_needs_a_note(api_for, program_admin, dispute):
    assert api_for(program_admin).post(f"{DISPUTES}{dispute.pk}/uphold/", {}, format="json").status_code == 400
    response = api_for(program_admin).post(f"{DISPUTES}{dispute.pk}/uphold/", {"note": "Stands."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "upheld"


def test_decide_roles_and_tenancy(api_for, dispute, partner_admin, other_partner_user, finance_user):
    url = f"{DISPUTES}{dispute.pk}/reverse/"
    assert api_for(partner_admin).post(url, {}, format="json").status_code == 403
    assert api_for(other_partner_user).post(url, {}, format="json").status_code == 404
    assert api_for(finance_user).post(url, {}, format="json").status_code == 403


def test_file_download_api(api_for, partner_admin, rejected, other_partner_user):
    dispute = open_dispute(partner_admin, rejected, files=[pdf()])
    file_id = dispute.files.get().pk
    assert api_for(partner_admin).get(f"{DISPUTES}files/{file_id}/").status_code == 200
    assert api_for(other_partner_user).get(f"{DISPUTES}files/{file_id}/").status_code == 404


def test_internal_list_reads_a_bounded_number_of_queries(
    api_for, channel_manager, dispute, partner, other_partner, django_assert_max_num_queries
):
    from tests.disputes.factories import conflicting_registration, held_customer
    from tests.factories import PartnerAdminFactory

    for i in range(3):
        admin = PartnerAdminFactory(partner=partner) if i == 0 else PartnerAdminFactory()
        deal = conflicting_registration(admin, held_customer(other_partner, domain=f"bulk{i}.example"))
        open_dispute(admin, deal)
    api = api_for(channel_manager)
    with django_assert_max_num_queries(10):
        body = api.get(DISPUTES).json()
    assert body["count"] == 4 and all(row["holder"] for row in body["results"])
