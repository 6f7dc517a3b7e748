"""MDF API contract (docs/api.md: MDF): fields, roles (403), tenancy (404), state (409), field errors (400)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from mdf.models import ClaimStatus, Fund, MdfClaim, MdfRequest
from tests.mdf.factories import EXE, PDF, ActivityTypeFactory, allocate, approved_request, submitted_claim

pytestmark = pytest.mark.django_db

FUND_FIELDS = {
    "id",
    "partner",
    "period",
    "currency",
    "accrued",
    "allocated",
    "committed",
    "claimed",
    "paid",
    "expired",
    "available",
    "expires_at",
}


def request_body(activity):
    return {
        "activity_type": activity.pk,
        "title": "Partner summit booth",
        "start_date": "2026-01-10",
        "end_date": "2026-01-12",
        "total_cost": "6000.00",
        "requested_amount": "3000.00",
    }


def claim_body(mdf_request, **files):
    return {
        "request": mdf_request.pk,
        "actual_cost": "4000.00",
        "claimed_amount": "2000.00",
        "results": "52 leads",
        "proof": files.get("proof", [SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")]),
    }


def test_funds_list_shows_the_figures_as_money_strings(api_for, partner, partner_user, other_partner_user):
    fund = allocate(partner, "1250")
    body = api_for(partner_user).get("/api/v1/mdf/funds/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert FUND_FIELDS <= set(row)
    assert (row["allocated"], row["available"], row["currency"], row["partner"]) == (
        "1250.00",
        "1250.00",
        "USD",
        partner.pk,
    )
    assert api_for(other_partner_user).get("/api/v1/mdf/funds/").json()["count"] == 0
    assert api_for(other_partner_user).get(f"/api/v1/mdf/funds/{fund.pk}/").status_code == 404
    assert api_for(other_partner_user).get(f"/api/v1/mdf/funds/{fund.pk}/entries/").status_code == 404
    assert api_for(other_partner_user).get(f"/api/v1/mdf/funds/?partner={partner.pk}").status_code == 404
    entries = api_for(partner_user).get(f"/api/v1/mdf/funds/{fund.pk}/entries/").json()["results"]
    assert {"id", "kind", "amount", "currency", "created_at", "reference"} <= set(entries[0])
    assert (entries[0]["kind"], entries[0]["amount"]) == ("allocation", "1250.00")


def test_activity_menu_for_any_user_and_managed_by_program_admins(api_for, partner_user, program_admin):
    ActivityTypeFactory(name="Webinar pack")
    row = next(
        r
        for r in api_for(partner_user).get("/api/v1/mdf/activity-types/").json()["results"]
        if r["name"] == "Webinar pack"
    )
    assert row["reimbursement_rate"] == "0.5000" and row["preapproval_required"] is True and "proof_required" in row
    new = {"name": "Podcast", "reimbursement_rate": "0.7500", "proof_required": "Invoice PDF"}
    assert api_for(partner_user).post("/api/v1/mdf/activity-types/", new, format="json").status_code == 403
    assert api_for(program_admin).post("/api/v1/mdf/activity-types/", new, format="json").status_code == 201


def test_request_approve_and_reject_through_the_api(
    api_for, partner, partner_admin, channel_manager, other_partner_user
):
    allocate(partner, "5000")
    activity = ActivityTypeFactory()
    response = api_for(partner_admin).post("/api/v1/mdf/requests/", request_body(activity), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "submitted" and created["requested_amount"] == "3000.00"
    assert created["approved_amount"] is None and created["currency"] == "USD" and created["partner"] == partner.pk
    url = f"/api/v1/mdf/requests/{created['id']}/"
    assert api_for(other_partner_user).get(url).status_code == 404
    assert api_for(other_partner_user).post(url + "approve/", {}, format="json").status_code == 404
    assert api_for(partner_admin).post(url + "approve/", {}, format="json").status_code == 403
    too_much = api_for(channel_manager).post(url + "approve/", {"approved_amount": "3000.01"}, format="json")
    assert too_much.status_code == 400 and "approved_amount" in too_much.json()
    approved = api_for(channel_manager).post(url + "approve/", {"approved_amount": "2500"}, format="json")
    assert approved.status_code == 200 and approved.json()["approved_amount"] == "2500.00"
    again = api_for(channel_manager).post(url + "reject/", {"reason": "late"}, format="json")
    assert again.status_code == 409 and again.json()["code"].startswith("invalid_transition")


def test_approval_the_funds_cannot_cover_is_409(api_for, partner, partner_admin, channel_manager):
    allocate(partner, "100")
    created = api_for(partner_admin).post("/api/v1/mdf/requests/", request_body(ActivityTypeFactory()), format="json")
    response = api_for(channel_manager).post(f"/api/v1/mdf/requests/{created.json()['id']}/approve/", {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "insufficient_funds"


def test_bad_request_input_is_400_with_field_errors(api_for, partner_admin):
    body = request_body(ActivityTypeFactory()) | {"end_date": "2026-01-01", "total_cost": "1e999"}
    response = api_for(partner_admin).post("/api/v1/mdf/requests/", body, format="json")
    assert response.status_code == 400 and "total_cost" in response.json()
    body = request_body(ActivityTypeFactory()) | {"end_date": "2026-01-01"}
    response = api_for(partner_admin).post("/api/v1/mdf/requests/", body, format="json")
    assert response.status_code == 400 and "end_date" in response.json()


def test_an_unknown_currency_is_refused_like_deals_refuse_it(api_for, partner_admin):
    """One ISO 4217 list for every app (prm/money.py): XYZ is no currency, in MDF as in deals."""
    body = request_body(ActivityTypeFactory()) | {"currency": "XYZ"}
    response = api_for(partner_admin).post("/api/v1/mdf/requests/", body, format="json")
    assert response.status_code == 400 and "currency" in response.json()
    deal = {"customer_name": "Acme", "amount": "1000.00", "currency": "XYZ"}
    assert "currency" in api_for(partner_admin).post("/api/v1/deals/", deal, format="json").json()
    assert not MdfRequest.objects.exists()


def test_claim_is_multipart_and_its_proof_is_served_only_inside_the_tenancy(
    api_for, partner, partner_admin, partner_user, finance_user, other_partner_user
):
    allocate(partner, "5000")
    mdf_request = approved_request(partner)
    response = api_for(partner_admin).post("/api/v1/mdf/claims/", claim_body(mdf_request), format="multipart")
    assert response.status_code == 201, response.json()
    claim = response.json()
    assert (claim["status"], claim["claimed_amount"], claim["approved_amount"], claim["currency"]) == (
        "submitted",
        "2000.00",
        None,
        "USD",
    )
    assert claim["request"] == mdf_request.pk and len(claim["proof"]) == 1
    proof = claim["proof"][0]
    assert {"id", "name", "url"} <= set(proof) and proof["name"] == "invoice.pdf"
    for user in (partner_user, finance_user):
        download = api_for(user).get(proof["url"])
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content) == PDF
    assert api_for(other_partner_user).get(proof["url"]).status_code == 404
    assert APIClient().get(proof["url"]).status_code in (401, 403)
    assert api_for(other_partner_user).get(f"/api/v1/mdf/claims/{claim['id']}/").status_code == 404


def test_claim_with_an_executable_renamed_pdf_is_400(api_for, partner, partner_admin):
    allocate(partner, "5000")
    mdf_request = approved_request(partner)
    body = claim_body(mdf_request, proof=[SimpleUploadedFile("invoice.pdf", EXE, content_type="application/pdf")])
    response = api_for(partner_admin).post("/api/v1/mdf/claims/", body, format="multipart")
    assert response.status_code == 400
    assert "is a program, not a PDF file" in response.json()["proof"][0]
    assert not MdfClaim.objects.exists()


def test_finance_approves_pays_and_paying_twice_is_409(api_for, partner, finance_user, channel_manager, partner_admin):
    fund = allocate(partner, "5000")
    claim = submitted_claim(approved_request(partner), actual="3000.00", claimed="1500.00")
    url = f"/api/v1/mdf/claims/{claim.pk}/"
    assert api_for(partner_admin).post(url + "approve/", {}, format="json").status_code == 403
    above = api_for(finance_user).post(url + "approve/", {"approved_amount": "1500.01"}, format="json")
    assert above.status_code == 400 and "approved_amount" in above.json()
    approved = api_for(finance_user).post(url + "approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["approved_amount"] == "1500.00"
    assert api_for(channel_manager).post(url + "pay/", {"payment_reference": "X"}, format="json").status_code == 403
    paid = api_for(finance_user).post(url + "pay/", {"payment_reference": "WIRE-1"}, format="json")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    twice = api_for(finance_user).post(url + "pay/", {"payment_reference": "WIRE-2"}, format="json")
    assert twice.status_code == 409
    fund.refresh_from_db()
    assert (fund.paid, fund.committed, fund.available) == (Decimal("1500.00"), 0, Decimal("3500.00"))


def test_finance_rejects_or_asks_for_more(api_for, partner, finance_user):
    allocate(partner, "5000")
    claim = submitted_claim(approved_request(partner))
    url = f"/api/v1/mdf/claims/{claim.pk}/"
    assert (
        api_for(finance_user).post(url + "request-info/", {"reason": "Attendee list?"}, format="json").status_code
        == 200
    )
    assert api_for(finance_user).post(url + "approve/", {}, format="json").status_code == 409
    assert api_for(finance_user).post(url + "reject/", {}, format="json").status_code == 400
    response = api_for(finance_user).post(url + "reject/", {"reason": "No proof"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == ClaimStatus.REJECTED


def test_claim_creation_and_payment_honour_idempotency_keys(partner, partner_admin, finance_user):
    allocate(partner, "5000")
    mdf_request = approved_request(partner)
    client = APIClient()
    client.force_login(partner_admin)
    first = client.post("/api/v1/mdf/claims/", claim_body(mdf_request), format="multipart", HTTP_IDEMPOTENCY_KEY="c-1")
    again = client.post("/api/v1/mdf/claims/", claim_body(mdf_request), format="multipart", HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and MdfClaim.objects.count() == 1
    other = claim_body(mdf_request) | {"claimed_amount": "1999.00"}
    reused = client.post("/api/v1/mdf/claims/", other, format="multipart", HTTP_IDEMPOTENCY_KEY="c-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"

    claim = MdfClaim.objects.get()
    finance = APIClient()
    finance.force_login(finance_user)
    finance.post(f"/api/v1/mdf/claims/{claim.pk}/approve/", {}, format="json")
    url = f"/api/v1/mdf/claims/{claim.pk}/pay/"
    paid = finance.post(url, {"payment_reference": "W-9"}, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    replay = finance.post(url, {"payment_reference": "W-9"}, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert paid.status_code == replay.status_code == 200 and paid.json() == replay.json()
    assert Fund.objects.get().entries.filter(kind="payment").count() == 1


def test_allocation_endpoint_for_program_admins(api_for, partner, program_admin, finance_user):
    body = {"partner": partner.pk, "amount": "900.00", "reason": "Co-marketing launch"}
    assert api_for(finance_user).post("/api/v1/mdf/funds/allocate/", body, format="json").status_code == 403
    response = api_for(program_admin).post("/api/v1/mdf/funds/allocate/", body, format="json")
    assert response.status_code == 201 and response.json()["kind"] == "allocation"


def test_deals_name_the_mdf_activity_that_sourced_them_for_the_program_view(
    api_for, partner, partner_admin, other_partner, program_admin, client
):
    from deals.models import DealStatus
    from mdf import selectors
    from tests.deals.factories import DealFactory

    allocate(partner, "5000")
    mdf_request = approved_request(partner, amount=Decimal("1000"))
    won = DealFactory(partner=partner, status=DealStatus.WON, amount=Decimal("30000"))
    open_deal = DealFactory(partner=partner, amount=Decimal("50000"))
    foreign = DealFactory(partner=other_partner)
    url = f"/api/v1/mdf/requests/{mdf_request.pk}/sourced-deals/"
    assert api_for(partner_admin).post(url, {"deal": foreign.pk}, format="json").status_code == 404
    for deal in (won, open_deal):
        assert api_for(partner_admin).post(url, {"deal": deal.pk}, format="json").status_code == 200
    gold = next(row for row in selectors.program_view(program_admin)["tier_rows"] if row["tier"] == "Gold")
    assert (gold["bookings_per_dollar"], gold["pipeline_per_dollar"]) == (Decimal("30.00"), Decimal("50.00"))
