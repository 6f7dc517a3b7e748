"""Recording exchange rates (finance only, append-only, audited) and the rate pages and API."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from analytics.models import DirtyPartner
from deals.models import DealStatus
from fx import selectors, services
from fx.models import ExchangeRate
from prm.models import AuditEntry
from tests.analytics.kpi_fixture import deal

pytestmark = pytest.mark.django_db

LIST = "/fx/rates/"
NEW = "/fx/rates/new/"
API = "/api/v1/fx/rates/"


def record(user, currency="EUR", rate="1.08500000", day=None, note=""):
    return services.record_rate(
        user=user, currency=currency, rate=rate, effective_from=day or date(2026, 1, 1), note=note
    )


# --- service -------------------------------------------------------------------------------------------


def test_finance_records_a_rate_audited(finance_user):
    row = record(finance_user, currency="eur", rate=Decimal("1.0850"), note="ECB reference")
    assert row.currency == "EUR" and row.rate == Decimal("1.08500000") and row.created_by == finance_user
    audit = AuditEntry.objects.get(object_id=row.pk, action="fx.rate_recorded")
    assert audit.actor == finance_user and audit.changes["rate"] == "1.08500000" and audit.reason == "ECB reference"


def test_a_same_day_correction_is_a_new_row_that_wins(finance_user):
    first = record(finance_user, rate="1.20000000")
    second = record(finance_user, rate="1.02000000", note="typo")
    assert ExchangeRate.objects.count() == 2
    assert selectors.rate_on("EUR", date(2026, 1, 1)) == Decimal("1.02")
    audit = AuditEntry.objects.get(object_id=second.pk)
    assert audit.action == "fx.rate_corrected" and audit.changes["supersedes"]["id"] == first.pk


@pytest.mark.parametrize("role", ["partner_admin", "partner_user", "channel_manager", "program_admin"])
def test_only_finance_records_rates(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        record(user)
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"currency": "USD"}, "currency"),
        ({"currency": "EU"}, "currency"),
        ({"currency": "E1R"}, "currency"),
        ({"rate": "0"}, "rate"),
        ({"rate": "-1.2"}, "rate"),
        ({"rate": "abc"}, "rate"),
        ({"rate": "1.123456789"}, "rate"),
        ({"rate": "12345678901"}, "rate"),
        ({"rate": "NaN"}, "rate"),
        ({"day": date(1999, 12, 31)}, "effective_from"),
        ({"day": timezone.localdate() + timedelta(days=400)}, "effective_from"),
    ],
)
def test_bad_input_is_a_field_error(finance_user, fields, field):
    kwargs = {"currency": "EUR", "rate": "1.1", "day": date(2026, 1, 1)} | fields
    with pytest.raises(ValidationError) as error:
        record(finance_user, **kwargs)
    assert field in error.value.message_dict
    assert not ExchangeRate.objects.exists()


def test_a_new_rate_queues_the_partners_with_records_in_that_currency(
    finance_user, partner, other_partner, django_capture_on_commit_callbacks
):
    deal(partner, status=DealStatus.WON, amount="10", currency="EUR", close=date(2026, 1, 5))
    deal(other_partner, status=DealStatus.WON, amount="10", currency="GBP", close=date(2026, 1, 5))
    with django_capture_on_commit_callbacks(execute=True):
        record(finance_user)
    assert set(DirtyPartner.objects.values_list("partner_id", flat=True)) == {partner.pk}


# --- pages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["finance_user", "channel_manager", "program_admin"])
def test_internal_roles_read_the_rate_table_with_the_current_rate_highlighted(
    request, role, finance_user, client_for, django_assert_max_num_queries
):
    old = record(finance_user, rate="1.05000000", day=date(2025, 1, 1))
    current = record(finance_user, rate="1.10000000", day=date(2025, 7, 1))
    record(finance_user, currency="GBP", rate="1.25000000", day=date(2025, 3, 1))
    client = client_for(request.getfixturevalue(role))
    with django_assert_max_num_queries(12):
        page = client.get(LIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-in-force="{current.pk}"' in body and f'data-in-force="{old.pk}"' not in body
    assert 'data-testid="current-rates"' in body
    assert ('data-testid="new-rate"' in body) == (role == "finance_user")


def test_the_list_filters_by_currency_paginates_and_exports_csv(finance_user, client_for):
    for month in range(1, 13):
        record(finance_user, rate=f"1.{month:02d}", day=date(2025, month, 1))
    record(finance_user, currency="GBP", rate="1.25", day=date(2025, 1, 1))
    client = client_for(finance_user)
    page = client.get(LIST, {"currency": "gbp"})
    assert page.status_code == 200 and len(page.context["object_list"]) == 1
    csv = b"".join(client.get(LIST, {"currency": "EUR", "export": "csv"}).streaming_content).decode()
    lines = csv.strip().splitlines()
    assert len(lines) == 13 and lines[0].startswith("Id,Currency,Rate")
    assert page.context["paginator"].per_page == 50


@pytest.mark.parametrize("role", ["partner_admin", "partner_user", "other_partner_user"])
def test_partners_may_not_see_the_rates(request, role, client_for):
    client = client_for(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_finance_records_a_rate_on_the_page(finance_user, client_for):
    client = client_for(finance_user)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, {"currency": "cad", "rate": "0.7312", "effective_from": "2026-01-01", "note": "Q1"})
    assert response.status_code == 302 and response["Location"] == LIST
    row = ExchangeRate.objects.get()
    assert row.currency == "CAD" and row.rate == Decimal("0.73120000") and row.note == "Q1"
    assert AuditEntry.objects.filter(object_id=row.pk, action="fx.rate_recorded").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"currency": "USD", "rate": "1", "effective_from": "2026-01-01"}, "program currency"),
        ({"currency": "EUR", "rate": "0", "effective_from": "2026-01-01"}, "greater than zero"),
        ({"currency": "EUR", "rate": "1.1", "effective_from": "not a date"}, "valid date"),
        ({"currency": "EUR", "effective_from": "2026-01-01"}, "required"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(finance_user, client_for, data, message):
    response = client_for(finance_user).post(NEW, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "invalid-feedback" in response.content.decode()
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize("role", ["channel_manager", "program_admin", "partner_admin"])
def test_only_finance_may_post_a_rate_on_the_page(request, role, client_for):
    response = client_for(request.getfixturevalue(role)).post(
        NEW, {"currency": "EUR", "rate": "1.1", "effective_from": "2026-01-01"}
    )
    assert response.status_code == 403 and not ExchangeRate.objects.exists()


# --- API -----------------------------------------------------------------------------------------------


def test_internal_roles_list_rates_and_finance_creates_one(
    finance_user, channel_manager, api_for, django_assert_max_num_queries
):
    record(finance_user, rate="1.05", day=date(2025, 1, 1))
    response = api_for(finance_user).post(
        API, {"currency": "GBP", "rate": "1.26500000", "effective_from": "2025-06-01"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["currency"] == "GBP" and body["rate"] == "1.26500000" and body["program_currency"] == "USD"
    assert body["in_force"] is True and body["superseded"] is False and body["created_by"] == finance_user.pk

    api = api_for(channel_manager)
    with django_assert_max_num_queries(8):
        listing = api.get(API, {"currency": "eur"})
    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert listing.json()["results"][0]["rate"] == "1.05000000"
    assert api.get(API, {"effective_after": "2025-05-01"}).json()["count"] == 1
    assert api.get(API, {"effective_after": "garbage"}).status_code == 400


def test_api_bad_input_is_400_with_field_errors(finance_user, api_for):
    api = api_for(finance_user)
    response = api.post(API, {"currency": "USD", "rate": "1", "effective_from": "2026-01-01"}, format="json")
    assert response.status_code == 400 and "currency" in response.json()
    response = api.post(API, {"currency": "EUR", "rate": "0", "effective_from": "2026-01-01"}, format="json")
    assert response.status_code == 400 and "rate" in response.json()
    response = api.post(API, {"currency": "EUR"}, format="json")
    assert response.status_code == 400 and {"rate", "effective_from"} <= set(response.json())
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize("role", ["channel_manager", "program_admin", "partner_admin"])
def test_api_only_finance_creates(request, role, api_for):
    response = api_for(request.getfixturevalue(role)).post(
        API, {"currency": "EUR", "rate": "1.1", "effective_from": "2026-01-01"}, format="json"
    )
    assert response.status_code == 403 and not ExchangeRate.objects.exists()


@pytest.mark.parametrize("role", ["partner_admin", "partner_user", "other_partner_user"])
def test_api_partners_get_403(request, role, api_for):
    assert api_for(request.getfixturevalue(role)).get(API).status_code == 403


def test_api_anonymous_gets_401(api_client):
    assert api_client.get(API).status_code == 401
