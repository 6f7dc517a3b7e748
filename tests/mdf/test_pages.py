"""MDF pages: partner MDF page, forms, finance queue, proof downloads, program view; bounded queries."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mdf.models import ClaimStatus, MdfClaim, MdfRequest, RequestStatus
from tests.mdf.factories import PDF, ActivityTypeFactory, allocate, approved_request, submitted_claim

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def test_partner_mdf_page_shows_balances_ledger_and_deadlines(client_for, partner, partner_admin):
    allocate(partner, "5000")
    mdf_request = approved_request(partner)
    body = client_for(partner_admin).get("/mdf/").content.decode()
    assert "$3,000.00" in body and "$2,000.00" in body  # available, committed
    assert "Commitment" in body and "Discretionary allocation" in body
    assert f"Claim “{mdf_request.title}”" in body
    assert 'data-source="chart-mdf-balance"' in body and "style=" not in body


def test_partner_mdf_page_queries_do_not_grow_with_rows(client_for, partner, partner_admin):
    allocate(partner, "50000")
    submitted_claim(approved_request(partner))
    client = client_for(partner_admin)
    few = queries(client, "/mdf/")
    for _ in range(6):
        submitted_claim(approved_request(partner))
    assert queries(client, "/mdf/") == few
    assert queries(client, "/mdf/claims/") <= 14
    assert queries(client, "/mdf/requests/") <= 12


def test_ledger_exports_csv_of_own_entries_only(client_for, partner, partner_admin, other_partner):
    allocate(partner, "5000")
    allocate(other_partner, "777")
    response = client_for(partner_admin).get("/mdf/?export=csv")
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "allocation,5000.00" in body and "777" not in body


def test_partner_requests_and_claims_through_the_forms(client_for, partner, partner_admin):
    allocate(partner, "5000")
    activity = ActivityTypeFactory()
    client = client_for(partner_admin)
    response = client.post(
        "/mdf/requests/new/",
        {
            "activity_type": activity.pk,
            "title": "Roadshow",
            "start_date": "2026-01-05",
            "end_date": "2026-01-06",
            "total_cost": "3000",
            "requested_amount": "1600",
        },
    )
    assert response.status_code == 400 and "at most $1,500.00" in response.content.decode()
    response = client.post(
        "/mdf/requests/new/",
        {
            "activity_type": activity.pk,
            "title": "Roadshow",
            "start_date": "2026-01-05",
            "end_date": "2026-01-06",
            "total_cost": "3000",
            "requested_amount": "1500",
        },
    )
    mdf_request = MdfRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == mdf_request.get_absolute_url()


def test_claim_form_refuses_a_fake_pdf_beside_the_field(client_for, partner, partner_admin):
    allocate(partner, "5000")
    mdf_request = approved_request(partner)
    client = client_for(partner_admin)
    url = f"/mdf/requests/{mdf_request.pk}/claim/new/"
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    response = client.post(url, {"actual_cost": "4000", "claimed_amount": "2000", "proof": [fake]})
    assert response.status_code == 400 and "is a program, not a PDF file" in response.content.decode()
    real = SimpleUploadedFile("invoice.pdf", PDF)
    response = client.post(url, {"actual_cost": "4000", "claimed_amount": "2000", "proof": [real]})
    claim = MdfClaim.objects.get()
    assert response.status_code == 302 and claim.proofs.count() == 1


def test_manager_approves_and_finance_pays_through_the_pages(client, partner, channel_manager, finance_user):
    allocate(partner, "5000")
    from tests.mdf.factories import submitted_request

    mdf_request = submitted_request(partner)
    client.force_login(channel_manager)
    client.post(f"/mdf/requests/{mdf_request.pk}/approve/", {"approved_amount": "1800"})
    mdf_request.refresh_from_db()
    assert (mdf_request.status, mdf_request.approved_amount) == (RequestStatus.APPROVED, Decimal("1800.00"))
    claim = submitted_claim(mdf_request, claimed="1800.00")
    client.force_login(finance_user)
    assert "Ageing" in client.get("/mdf/claims/").content.decode()
    client.post(f"/mdf/claims/{claim.pk}/approve/", {"approved_amount": ""})
    client.post(f"/mdf/claims/{claim.pk}/pay/", {"payment_reference": "WIRE-5"})
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount, claim.payment_reference) == (
        ClaimStatus.PAID,
        Decimal("1800.00"),
        "WIRE-5",
    )


def test_proof_download_is_private(client, partner, partner_user, finance_user, other_partner_user):
    allocate(partner, "5000")
    proof = submitted_claim(approved_request(partner)).proofs.get()
    url = f"/mdf/proofs/{proof.pk}/"
    assert client.get(url).status_code == 302  # to the login page
    for user in (partner_user, finance_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(other_partner_user)
    assert client.get(url).status_code == 404
    assert not proof.file.url.startswith("/media/")  # MEDIA_URL is not served
    assert client.get(proof.file.url).status_code == 404


def test_program_view_and_roles(client, partner, program_admin, partner_admin, finance_user):
    allocate(partner, "5000")
    client.force_login(program_admin)
    body = client.get("/mdf/program/").content.decode()
    assert "Utilisation by tier" in body and "No data to chart yet." in body  # no deal sourced by MDF yet
    client.force_login(partner_admin)
    assert client.get("/mdf/program/").status_code == 403
    assert client.get(f"/mdf/claims/{1}/approve/").status_code in (404, 405)
    client.force_login(finance_user)
    assert client.get("/mdf/").status_code == 302


def test_home_pages_show_the_mdf_panels(client, partner, partner_admin, finance_user):
    allocate(partner, "5000")
    client.force_login(partner_admin)
    assert "mdf-home-panel" in client.get("/").content.decode()
    client.force_login(finance_user)
    assert "mdf-finance-panel" in client.get("/").content.decode()
