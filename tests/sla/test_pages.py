"""SLA pages, the partner home panel, the program dashboard panel and the API: roles (403), tenancy (404 or
filtered), bounded queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sla import services
from tests.sla.helpers import decided_deal, draft_batch, submitted_deal, waiting_claim

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def items(partner, other_partner, channel_manager):
    partner.channel_manager = channel_manager
    partner.save(update_fields=["channel_manager"])
    return {
        "late_deal": submitted_deal(partner, days_ago(20), customer_name="Overdue Corp"),
        "fresh_deal": submitted_deal(partner, timezone.now(), customer_name="Fresh Corp"),
        "other_deal": submitted_deal(other_partner, days_ago(20), customer_name="Hidden Globex Deal"),
        "batch": draft_batch(partner, days_ago(20)),
    }


# --- partner home -------------------------------------------------------------------------------------


def test_the_partner_home_shows_what_waits_on_the_vendor(client_for, partner_admin, items):
    decided_deal(items["late_deal"].partner, days_ago(10), days_ago(7))
    response = client_for(partner_admin).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="sla-home-panel"' in body
    assert "Waiting on Northwind Software" in body
    assert "Overdue Corp" in body and "Fresh Corp" in body
    assert 'data-testid="sla-breached"' in body
    assert "Hidden Globex Deal" not in body
    assert 'data-testid="sla-medians"' in body and "median" in body


def test_the_partner_home_panel_has_an_empty_state(client_for, partner_user):
    body = client_for(partner_user).get("/").content.decode()
    assert 'data-testid="sla-home-empty"' in body


def test_the_partner_home_panel_is_bounded_in_queries(
    client_for, partner, partner_admin, django_assert_max_num_queries
):
    client = client_for(partner_admin)
    for day in range(3):
        submitted_deal(partner, days_ago(10 + day))
        draft_batch(partner, days_ago(10 + day))
    client.get("/")  # warm the caches (session, medians)
    with django_assert_max_num_queries(60) as context:
        client.get("/")
    baseline = len(context.captured_queries)
    for day in range(10):
        submitted_deal(partner, days_ago(3 + day))
        waiting_claim(partner, days_ago(3 + day))
    with django_assert_max_num_queries(baseline):
        response = client.get("/")
    assert response.status_code == 200


# --- /sla/ --------------------------------------------------------------------------------------------


def test_partners_may_not_open_the_internal_pages(client_for, partner_admin, partner_user):
    for user in (partner_admin, partner_user):
        client = client_for(user)
        assert client.get(reverse("sla:items")).status_code == 403
        assert client.get(reverse("sla:breaches")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("sla:items"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_channel_manager_sees_their_book_only(client_for, channel_manager, items):
    body = client_for(channel_manager).get(reverse("sla:items")).content.decode()
    assert "Overdue Corp" in body and "Fresh Corp" in body
    assert "Hidden Globex Deal" not in body
    assert f'data-testid="sla-item-payout-{items["batch"].pk}"' not in body  # payouts are finance's


def test_finance_sees_mdf_and_payout_kinds(client_for, finance_user, items):
    body = client_for(finance_user).get(reverse("sla:items")).content.decode()
    assert f'data-testid="sla-item-payout-{items["batch"].pk}"' in body
    assert "Overdue Corp" not in body


def test_the_program_admin_filters_and_exports(client_for, program_admin, partner, other_partner, items):
    client = client_for(program_admin)
    body = client.get(reverse("sla:items")).content.decode()
    assert "Hidden Globex Deal" in body and "Overdue Corp" in body
    body = client.get(reverse("sla:items"), {"breached": "yes", "kind": "deal"}).content.decode()
    assert "Overdue Corp" in body and "Hidden Globex Deal" in body and "Fresh Corp" not in body
    body = client.get(reverse("sla:items"), {"partner": other_partner.pk}).content.decode()
    assert "Hidden Globex Deal" in body and "Overdue Corp" not in body
    response = client.get(reverse("sla:items"), {"kind": "deal", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    csv = b"".join(response.streaming_content).decode()
    assert "Overdue Corp" in csv and "Hidden Globex Deal" in csv and csv.splitlines()[0].startswith("Kind,")


def test_a_channel_manager_cannot_filter_on_a_partner_outside_their_book(
    client_for, channel_manager, other_partner, items
):
    body = client_for(channel_manager).get(reverse("sla:items"), {"partner": other_partner.pk}).content.decode()
    assert "Hidden Globex Deal" not in body  # an invalid choice shows the error and no rows


def test_the_items_page_is_bounded_in_queries(client_for, program_admin, partner, django_assert_max_num_queries):
    client = client_for(program_admin)
    for day in range(3):
        submitted_deal(partner, days_ago(10 + day))
    client.get(reverse("sla:items"))
    with django_assert_max_num_queries(40) as context:
        client.get(reverse("sla:items"))
    baseline = len(context.captured_queries)
    for day in range(15):
        submitted_deal(partner, days_ago(3 + day))
        draft_batch(partner, days_ago(3 + day))
    with django_assert_max_num_queries(baseline):
        assert client.get(reverse("sla:items")).status_code == 200


def test_breach_history(client_for, program_admin, channel_manager, finance_user, items):
    services.escalate_breaches()
    body = client_for(program_admin).get(reverse("sla:breaches")).content.decode()
    assert "Overdue Corp" in body and "Hidden Globex Deal" in body
    body = client_for(channel_manager).get(reverse("sla:breaches")).content.decode()
    assert "Overdue Corp" in body and "Hidden Globex Deal" not in body
    body = client_for(finance_user).get(reverse("sla:breaches")).content.decode()
    assert "Overdue Corp" not in body and "Payout batch" in body
    response = client_for(program_admin).get(reverse("sla:breaches"), {"state": "open", "export": "csv"})
    assert "Overdue Corp" in b"".join(response.streaming_content).decode()


# --- program dashboard ----------------------------------------------------------------------------------


def test_the_program_dashboard_shows_the_sla_panel(client_for, program_admin, items):
    services.escalate_breaches()
    body = client_for(program_admin).get(reverse("analytics:program")).content.decode()
    assert 'data-testid="sla-program-panel"' in body
    assert 'data-testid="sla-breaches-quarter">3<' in body  # two late deals and the batch
    assert 'id="chart-sla-medians"' in body and 'data-source="chart-sla-medians"' in body


# --- API ------------------------------------------------------------------------------------------------


def test_api_items_are_internal(api_for, partner_admin, partner_user, api_client):
    assert api_client.get("/api/v1/sla/items/").status_code == 401
    assert api_for(partner_admin).get("/api/v1/sla/items/").status_code == 403
    assert api_for(partner_user).get("/api/v1/sla/items/").status_code == 403


def test_api_items_scoped_like_the_page(api_for, channel_manager, finance_user, program_admin, items):
    data = api_for(channel_manager).get("/api/v1/sla/items/").json()
    assert {row["title"] for row in data["results"]} == {"Overdue Corp", "Fresh Corp"}
    data = api_for(finance_user).get("/api/v1/sla/items/").json()
    assert [row["kind"] for row in data["results"]] == ["payout"]
    data = api_for(program_admin).get("/api/v1/sla/items/", {"breached": "true", "kind": "deal"}).json()
    assert data["count"] == 2
    row = data["results"][0]
    assert row["breached"] is True and row["sla_business_days"] == 2 and row["waited_business_days"] >= 10
    assert api_for(program_admin).get("/api/v1/sla/items/", {"kind": "nope"}).status_code == 400
    assert api_for(program_admin).get("/api/v1/sla/items/", {"partner": "x"}).status_code == 400


def test_api_summary_shows_partners_their_own_items_only(
    api_for, partner_admin, other_partner_user, program_admin, items, api_client
):
    assert api_client.get("/api/v1/sla/summary/").status_code == 401
    data = api_for(partner_admin).get("/api/v1/sla/summary/").json()
    titles = {row["title"] for row in data["open_items"]}
    assert "Overdue Corp" in titles and "Hidden Globex Deal" not in titles
    assert {row["kind"] for row in data["medians"]} >= {"deal", "mdf_claim", "payout"}
    assert all(row["url"] == "" for row in data["open_items"] if row["kind"] == "payout")
    data = api_for(other_partner_user).get("/api/v1/sla/summary/").json()
    assert [row["title"] for row in data["open_items"]] == ["Hidden Globex Deal"]
    data = api_for(program_admin).get("/api/v1/sla/summary/").json()
    assert data["open_items"] == [] and data["window_days"] == 90


def test_api_items_are_bounded_in_queries(api_for, program_admin, partner, django_assert_max_num_queries):
    api = api_for(program_admin)
    for day in range(20):
        submitted_deal(partner, days_ago(3 + day))
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/sla/items/").json()["count"] == 20
