"""Bad input is a 4xx, never a 500 or a saved half-result (docs/inputs.md): the cases that once answered 500."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from deals.models import Account
from mdf import services as mdf_services
from mdf.models import MdfRequest
from partners.models import Partner
from prm import inputs
from prm.imports import NUL_MARK, decode_csv, unreadable_cells
from prm.models import ImportJob
from prm.money import to_money
from prm.periods import parse_period
from tests.mdf.factories import ActivityTypeFactory

pytestmark = pytest.mark.django_db


def mdf_body(activity, **changes):
    body = {
        "activity_type": activity.pk,
        "title": "Webinar",
        "start_date": "2026-12-01",
        "end_date": "2026-12-31",
        "total_cost": "1000.00",
        "requested_amount": "500.00",
    }
    return body | changes


# --- dates at the edges ---------------------------------------------------------------------------------


def test_an_mdf_request_ending_in_year_9999_is_refused_and_nothing_is_saved(
    api_for, partner_admin, channel_manager, finance_user, program_admin, partner_user
):
    activity = ActivityTypeFactory()
    api = api_for(partner_admin)
    response = api.post("/api/v1/mdf/requests/", mdf_body(activity, end_date="9999-12-31"), format="json")
    assert response.status_code == 400
    assert "end_date" in response.json() and "start_date" not in response.json()
    assert not MdfRequest.objects.exists()
    for user in (partner_admin, partner_user, channel_manager, finance_user, program_admin):
        assert api_for(user).get("/api/v1/mdf/requests/").status_code == 200


def test_the_mdf_request_page_shows_the_date_range_beside_the_field(client_for, partner_admin):
    activity = ActivityTypeFactory()
    response = client_for(partner_admin).post("/mdf/requests/new/", mdf_body(activity, start_date="0001-01-01"))
    assert response.status_code == 400
    assert "start_date" in response.context["form"].errors
    assert "Enter a date from 2000-01-01" in response.content.decode()
    assert not MdfRequest.objects.exists()


def test_the_mdf_service_itself_refuses_dates_outside_the_window(partner_admin):
    activity = ActivityTypeFactory()
    data = mdf_body(activity, activity_type=activity, start_date=date(2026, 12, 1), end_date=date(9999, 12, 31))
    data |= {"total_cost": Decimal(data["total_cost"]), "requested_amount": Decimal(data["requested_amount"])}
    with pytest.raises(ValidationError) as error:
        mdf_services.submit_request(user=partner_admin, **data)
    assert set(error.value.message_dict) == {"end_date"}
    assert not MdfRequest.objects.exists()


def test_scorecards_for_quarter_one_of_year_one_are_a_400(client_for, api_for, channel_manager, partner):
    page = client_for(channel_manager).get("/analytics/scorecards/", {"period": "0001-Q1"})
    assert page.status_code == 400
    assert page.context["filter"].errors["period"]
    api = api_for(channel_manager).get("/api/v1/analytics/scorecards/", {"partner": partner.pk, "period": "0001-Q1"})
    assert api.status_code == 400 and "period" in api.json()


@pytest.mark.parametrize("key", ["0001-Q1", "0000-01", "1999-12", "9999-Q4", "9999-12"])
def test_periods_outside_the_input_window_are_refused(key):
    with pytest.raises(ValueError, match="Choose a period from"):
        parse_period(key)


def test_periods_inside_the_window_still_parse():
    today = timezone.localdate()
    assert parse_period("2000-01").start == date(2000, 1, 1)
    assert parse_period(f"{today.year + 10}-01").start == date(today.year + 10, 1, 1)


def test_a_field_may_widen_the_window():
    with pytest.raises(ValidationError):
        inputs.check_date(date(1990, 5, 1))
    assert inputs.check_date(date(1990, 5, 1), earliest=date(1980, 1, 1)) == date(1990, 5, 1)
    assert parse_period("1990-05", earliest=date(1980, 1, 1)).key == "1990-05"


def test_the_upper_bound_is_ten_years_from_today():
    today = timezone.localdate()
    latest = inputs.latest_date()
    assert latest.year == today.year + 10 and latest - today >= timedelta(days=3650)
    inputs.check_date(latest)
    with pytest.raises(ValidationError):
        inputs.check_date(latest + timedelta(days=1))


def test_a_datetime_with_an_offset_at_year_one_is_a_400_not_an_overflow(api_for, channel_manager):
    response = api_for(channel_manager).get("/api/v1/deals/", {"updated_since": "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 400 and "updated_since" in response.json()


# --- NUL ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/verify/%00/", "/verify/abc%00def/", "/verify/CERT-%00/badge.png"])
def test_a_verification_code_holding_nul_is_the_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b'data-testid="error-404"' in response.content


def test_a_nul_in_an_api_path_is_a_json_404(api_for, partner_admin):
    response = api_for(partner_admin).get("/api/v1/deals/%00/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_a_nul_in_a_query_parameter_is_a_400_naming_it(api_for, partner_admin):
    response = api_for(partner_admin).get("/api/v1/deals/", {"status": "a\x00b"})
    assert response.status_code == 400 and list(response.json()) == ["status"]


def test_a_nul_in_a_json_field_is_a_400_naming_it_and_nothing_is_saved(api_for, partner_admin):
    activity = ActivityTypeFactory()
    body = mdf_body(activity, description="one\x00two")
    response = api_for(partner_admin).post("/api/v1/mdf/requests/", body, format="json")
    assert response.status_code == 400 and list(response.json()) == ["description"]
    assert not MdfRequest.objects.exists()


def test_a_nul_in_a_page_form_field_is_a_400_page_naming_it(client_for, partner_admin):
    response = client_for(partner_admin).post("/deals/register/", {"customer_name": "Acme\x00"})
    assert response.status_code == 400
    assert "customer_name" in response.content.decode()


def test_a_nul_in_a_header_is_a_400(api_for, partner_admin):
    response = api_for(partner_admin).post("/api/v1/deals/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k\x00")
    assert response.status_code == 400 and list(response.json()) == ["Idempotency-Key"]


def test_a_session_cookie_holding_nul_is_ignored():
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = client.get("/deals/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


ACCOUNTS = (
    "name,domain,country,kind,owner_email\n"
    "Initech\x00 Corporation,initech.example,US,direct_customer,\n"
    "Hooli,hooli.example,US,direct_opportunity,\n"
)


def test_an_account_import_with_a_nul_cell_reports_the_row_and_imports_the_rest(api_for, channel_manager):
    upload = SimpleUploadedFile("accounts.csv", ACCOUNTS.encode())
    response = api_for(channel_manager).post("/api/v1/accounts/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 1
    assert [(error["row"], error["field"]) for error in body["errors"]] == [(2, "name")]
    assert list(Account.objects.values_list("name", flat=True)) == ["Hooli"]


def test_the_account_import_page_takes_a_file_with_a_nul_cell(client_for, channel_manager):
    upload = SimpleUploadedFile("accounts.csv", ACCOUNTS.encode())
    response = client_for(channel_manager).post("/deals/accounts/import/", {"file": upload})
    assert response.status_code == 302
    assert list(Account.objects.values_list("name", flat=True)) == ["Hooli"]


def test_the_shared_import_reports_a_nul_cell_as_a_row_error(
    client_for, program_admin, django_capture_on_commit_callbacks
):
    text = (
        "name,website_domain,partner_type,country\n"
        + "Acme\x00,acme.example,reseller,US\nGlobex,globex.example,reseller,DE\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(program_admin).post(
            "/partners/import/", {"file": SimpleUploadedFile("partners.csv", text.encode())}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert [(error["row"], error["field"]) for error in job.errors] == [(2, "name")]
    assert list(Partner.objects.values_list("name", flat=True)) == ["Globex"]


def test_a_utf16_file_is_refused_as_not_text():
    with pytest.raises(ValidationError, match="not text"):
        decode_csv("name,country\nAcme,US\n".encode("utf-16-le"))
    assert list(unreadable_cells({"name": f"A{NUL_MARK}", "country": "US"})) == ["name"]


# --- money ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e400", "-1e400", "1E+30"])
def test_amounts_too_large_for_any_ledger_are_a_value_error(value):
    with pytest.raises(ValueError):
        to_money(value)


def test_amounts_still_round_half_up_to_cents():
    assert to_money("12.345") == Decimal("12.35")


@pytest.mark.parametrize("amount", ["1e400", "99999999999999999999", "", "NaN"])
def test_huge_or_empty_amounts_in_an_mdf_request_are_a_400(api_for, partner_admin, amount):
    activity = ActivityTypeFactory()
    body = mdf_body(activity, total_cost=amount)
    response = api_for(partner_admin).post("/api/v1/mdf/requests/", body, format="json")
    assert response.status_code == 400 and "total_cost" in response.json()
    assert not MdfRequest.objects.exists()


def test_a_json_number_too_large_for_a_float_is_a_400(partner_admin):
    api = APIClient()
    api.force_authenticate(partner_admin)
    activity = ActivityTypeFactory()
    raw = (
        f'{{"activity_type": {activity.pk}, "title": "W", "start_date": "2026-12-01", "end_date": "2026-12-31", '
        '"total_cost": 1e400, "requested_amount": 99999999999999999999}'
    )
    response = api.post("/api/v1/mdf/requests/", raw, content_type="application/json")
    assert response.status_code == 400
    assert {"total_cost", "requested_amount"} <= set(response.json())
    assert not MdfRequest.objects.exists()
