"""API (docs/api.md: Commissions) and pages: roles (403), tenancy (404), idempotency, statements as page/CSV/PDF."""

from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.models import CommissionEntry, EntryStatus, PayoutBatch
from commissions.rules import compute_entries_for_deals
from tests.commissions.factories import EntryFactory, WonDealFactory
from tests.factories import InternalUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_finance(db):
    return InternalUserFactory(role=Role.FINANCE, email="finance2@example.com")


@pytest.fixture
def entry(partner):
    deal = WonDealFactory(partner=partner, amount=Decimal("10000.00"))
    compute_entries_for_deals([deal.pk])
    return CommissionEntry.objects.get(deal=deal)


def test_entry_fields_and_4_place_rates(api_for, partner_admin, entry):
    body = api_for(partner_admin).get(f"/api/v1/commissions/entries/{entry.pk}/").json()
    assert {
        "id",
        "deal",
        "partner",
        "kind",
        "base_amount",
        "rate",
        "amount",
        "currency",
        "status",
        "created_at",
    } <= set(body)
    assert body["rate"] == "0.3000" and body["amount"] == "3000.00" and body["status"] == "pending"


def test_partner_user_gets_403_and_other_partner_404(api_for, partner_user, other_partner_user, entry, partner):
    assert api_for(partner_user).get("/api/v1/commissions/entries/").status_code == 403
    other = api_for(other_partner_user)
    assert other.get(f"/api/v1/commissions/entries/{entry.pk}/").status_code == 404
    assert other.get(f"/api/v1/commissions/entries/?partner={partner.pk}").status_code == 404
    assert other.get("/api/v1/commissions/entries/").json()["count"] == 0
    assert other.get(f"/api/v1/commissions/statements/?period=2026-Q4&partner={partner.pk}").status_code == 404


def test_approval_is_finance_only_and_409_twice(api_for, finance_user, channel_manager, partner_admin, entry):
    assert api_for(channel_manager).post(f"/api/v1/commissions/entries/{entry.pk}/approve/").status_code == 403
    assert api_for(partner_admin).post(f"/api/v1/commissions/entries/{entry.pk}/approve/").status_code == 403
    api = api_for(finance_user)
    assert api.post(f"/api/v1/commissions/entries/{entry.pk}/approve/").json()["status"] == "approved"
    response = api.post(f"/api/v1/commissions/entries/{entry.pk}/approve/")
    assert response.status_code == 409 and response.json()["code"].startswith("invalid_transition")


def test_batch_four_eyes_pay_and_statement_through_the_api(
    api_for, finance_user, second_finance, partner_admin, partner, entry, django_capture_on_commit_callbacks
):
    first, second = api_for(finance_user), api_for(second_finance)
    assert first.post("/api/v1/commissions/payouts/", {"partner": partner.pk}, format="json").status_code == 409
    first.post(f"/api/v1/commissions/entries/{entry.pk}/approve/")
    created = first.post("/api/v1/commissions/payouts/", {"partner": partner.pk}, format="json")
    assert created.status_code == 201
    batch = created.json()
    assert batch["status"] == "draft" and batch["total"] == "3000.00" and batch["entries"] == [entry.pk]
    assert batch["created_by"] == finance_user.pk and batch["currency"] == "USD"
    url = f"/api/v1/commissions/payouts/{batch['id']}/"
    assert first.post(url + "approve/").status_code == 403
    assert first.post(url + "pay/").status_code == 409
    assert second.post(url + "approve/").json()["status"] == "approved"
    assert second.post(url + "approve/").status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        assert first.post(url + "pay/").status_code == 202
    assert first.get(url).json()["status"] == "paid"
    assert first.post(url + "pay/").status_code == 409
    period = f"{entry.earned_on.year}-Q{(entry.earned_on.month - 1) // 3 + 1}"
    statement = api_for(partner_admin).get(f"/api/v1/commissions/statements/?period={period}").json()
    assert statement["partner"] == partner.pk and statement["currency"] == "USD"
    assert statement["lines"][0]["entry"] == entry.pk and statement["lines"][0]["status"] == "paid"
    assert statement["lines"][0]["paid_at"]
    assert statement["totals"] == {"earned": "3000.00", "approved": "0.00", "paid": "3000.00", "outstanding": "0.00"}


def test_payout_listing_roles(api_for, program_admin, channel_manager, partner_admin):
    assert api_for(program_admin).get("/api/v1/commissions/payouts/").status_code == 200
    assert api_for(channel_manager).get("/api/v1/commissions/payouts/").status_code == 403
    assert api_for(partner_admin).get("/api/v1/commissions/payouts/").status_code == 403
    assert api_for(program_admin).post("/api/v1/commissions/payouts/", {"partner": 1}, format="json").status_code == 403


def test_batch_creation_honours_idempotency_key(api_for, finance_user, partner):
    EntryFactory(partner=partner, status=EntryStatus.APPROVED)
    api = api_for(finance_user)
    headers = {"HTTP_IDEMPOTENCY_KEY": "batch-once-1"}
    first = api.post("/api/v1/commissions/payouts/", {"partner": partner.pk}, format="json", **headers)
    again = api.post("/api/v1/commissions/payouts/", {"partner": partner.pk}, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and PayoutBatch.objects.count() == 1
    other = api.post("/api/v1/commissions/payouts/", {"partner": partner.pk + 1}, format="json", **headers)
    assert other.status_code == 422


def test_statement_page_csv_and_pdf_for_the_partner_admin(client_for, partner_admin, partner, other_partner, entry):
    client = client_for(partner_admin)
    period = f"{entry.earned_on.year}-Q{(entry.earned_on.month - 1) // 3 + 1}"
    page = client.get(f"/commissions/statements/?period={period}")
    assert page.status_code == 200 and b"$3,000.00" in page.content
    csv = client.get(f"/commissions/statements/?period={period}&format=csv")
    assert b"".join(csv.streaming_content).count(b"3000.00") == 1
    pdf = client.get(f"/commissions/statements/?period={period}&format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/commissions/statements/?period={period}&partner={other_partner.pk}").status_code == 404
    assert client.get("/commissions/earnings/").status_code == 200


def test_pages_by_role(client_for, partner_user, channel_manager, finance_user, partner_admin, entry):
    assert client_for(partner_user).get("/commissions/earnings/").status_code == 403
    assert client_for(channel_manager).get("/commissions/").status_code == 403
    finance = client_for(finance_user)
    for url in [
        "/commissions/",
        "/commissions/batches/",
        "/commissions/owed/?period=2026-Q4",
        "/commissions/plans/",
        "/",
    ]:
        assert finance.get(url).status_code == 200, url
    response = finance.post("/commissions/approve/", {"entry": [entry.pk]})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "approved"
    assert client_for(partner_admin).get("/").status_code == 200


def test_the_batch_list_filters_and_exports_the_filtered_rows(client_for, finance_user, partner, other_partner):
    PayoutBatch.objects.create(partner=partner, total=Decimal("100.00"), currency="USD")
    PayoutBatch.objects.create(
        partner=other_partner,
        total=Decimal("50.00"),
        currency="EUR",
        status="approved",
        submitted_by=InternalUserFactory(role=Role.FINANCE),
        approved_by=finance_user,
    )
    finance = client_for(finance_user)
    page = finance.get("/commissions/batches/?status=approved")
    assert [b.partner_id for b in page.context["object_list"]] == [other_partner.pk]
    assert [b.partner_id for b in finance.get("/commissions/batches/?partner=acme").context["object_list"]] == [
        partner.pk
    ]
    rows = finance.get("/commissions/batches/?currency=eur&export=csv").getvalue().decode().splitlines()
    assert len(rows) == 2 and "Globex" in rows[1]
    bad = finance.get("/commissions/batches/?since=not-a-date")
    assert bad.status_code == 400 and not bad.context["object_list"] and bad.context["filter"].errors
