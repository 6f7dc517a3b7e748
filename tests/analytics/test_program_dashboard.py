"""The program dashboard: roles, filters, charts and tables from snapshots, CSV exports, rollup button."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.models import KpiSnapshot, RollupRun, RollupStatus
from analytics.services import rebuild_kpis
from commissions.models import BatchStatus, EntryStatus, PayoutBatch
from deals.models import DealStatus
from prm.periods import quarter_of
from tests.analytics.kpi_fixture import build, deal
from tests.commissions.factories import EntryFactory
from tests.factories import PartnerFactory, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(partner, other_partner):
    data = build(partner, other_partner)
    rebuild_kpis()
    return data


def quarter_key(program):
    return quarter_of(program["month"].start).key


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("role", ["channel_manager", "program_admin"])
def test_managers_and_admins_see_the_dashboard_with_its_charts(role, request, client_for, program):
    response = client_for(request.getfixturevalue(role)).get("/analytics/", {"period": quarter_key(program)})
    assert response.status_code == 200
    page = response.content.decode()
    for chart in ("bookings", "pipeline", "win_rate", "cycle", "tier", "certs_volume", "mdf", "commissions", "cohorts"):
        assert f'data-source="chart-{chart}"' in page and f'id="chart-{chart}"' in page
    assert "Acme Cloud Partners" in page  # top partners
    assert "66.7%" in page  # Acme's win rate in the by-tier table (Gold: only Acme)
    # The EUR deal without a rate, once (won; never accepted, so not a registered deal too).
    assert "1 record in other currencies not included" in page


@pytest.mark.parametrize("role", ["partner_admin", "partner_user"])
def test_partner_users_are_refused(role, request, client_for):
    assert client_for(request.getfixturevalue(role)).get("/analytics/").status_code == 403


def test_finance_reads_the_dashboard_but_may_not_start_a_rollup(finance_user, client_for):
    client = client_for(finance_user)
    assert client.get("/analytics/").status_code == 200
    assert client.post("/analytics/rollups/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/analytics/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_dashboard_reads_a_bounded_number_of_queries(
    program_admin, client_for, program, django_assert_max_num_queries
):
    for n in range(30):
        PartnerFactory(name=f"Extra {n}", tier=tier("Silver"))
    rebuild_kpis()
    client = client_for(program_admin)
    with django_assert_max_num_queries(22):
        assert client.get("/analytics/", {"period": quarter_key(program)}).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get("/analytics/", {"period": quarter_key(program), "export": "tier"}).status_code == 200


def test_filters_narrow_every_figure(program_admin, client_for, partner, other_partner, program):
    client = client_for(program_admin)
    key = quarter_key(program)
    rows = csv_rows(client.get("/analytics/", {"period": key, "export": "tier", "region": "emea"}))
    assert [row[0] for row in rows[1:]] == ["Silver"]  # only Globex is in EMEA
    rows = csv_rows(client.get("/analytics/", {"period": key, "export": "top_partners", "tier": partner.tier_id}))
    assert [row[0] for row in rows[1:]] == ["Acme Cloud Partners"]
    header = rows[0]
    assert rows[1][header.index("Sourced bookings")] == "40000.00"
    assert rows[1][header.index("Win rate")] == "0.6667"


def test_channel_manager_picks_their_own_partners(channel_manager, client_for, partner, other_partner):
    partner.channel_manager = channel_manager
    partner.save()
    deal(partner, status=DealStatus.WON, amount="1000", close=timezone.localdate())
    deal(other_partner, status=DealStatus.WON, amount="5000", close=timezone.localdate())
    rebuild_kpis()
    rows = csv_rows(client_for(channel_manager).get("/analytics/", {"manager": "mine", "export": "top_partners"}))
    assert [row[0] for row in rows[1:]] == ["Acme Cloud Partners"]


def test_the_trend_table_has_eight_quarters_ending_at_the_selected_one(program_admin, client_for, program):
    key = quarter_key(program)
    rows = csv_rows(client_for(program_admin).get("/analytics/", {"period": key, "export": "trend"}))
    assert len(rows) == 9 and rows[-1][0] == key
    assert rows[-1][rows[0].index("Sourced bookings")] == "90000.00"  # Acme 40,000 + Globex 50,000


def test_every_table_exports_and_an_unknown_table_is_404(program_admin, client_for, program):
    client = client_for(program_admin)
    for table in ("trend", "tier", "partner_type", "region", "certifications", "top_partners", "cohorts"):
        response = client.get("/analytics/", {"period": quarter_key(program), "export": table})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert client.get("/analytics/", {"export": "secrets"}).status_code == 404


def test_a_bad_filter_is_shown_beside_its_field(program_admin, client_for):
    response = client_for(program_admin).get("/analytics/", {"period": "1999-Q9", "region": "mars"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_program_admin_rebuilds_now_and_sees_progress(
    program_admin, client_for, partner, django_capture_on_commit_callbacks
):
    client = client_for(program_admin)
    assert 'data-testid="rebuild-now"' in client.get("/analytics/").content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/analytics/rollups/", HTTP_HX_REQUEST="true")
    run = RollupRun.objects.get()
    page = response.content.decode()
    assert run.status == RollupStatus.QUEUED and f"/analytics/rollups/{run.pk}/" in page and "every 1s" in page
    second = client.post("/analytics/rollups/", HTTP_HX_REQUEST="true").content.decode()
    assert "already queued or running" in second and RollupRun.objects.count() == 1
    from analytics.tasks import run_rollup

    run_rollup(run.pk)
    done = client.get(f"/analytics/rollups/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "done" in done and "every 1s" not in done
    assert KpiSnapshot.objects.filter(partner=partner).exists()


def test_channel_managers_cannot_rebuild(channel_manager, client_for):
    client = client_for(channel_manager)
    assert 'data-testid="rebuild-now"' not in client.get("/analytics/").content.decode()
    assert client.post("/analytics/rollups/").status_code == 403


def test_nav_and_internal_home_link_to_the_dashboard(channel_manager, client_for):
    page = client_for(channel_manager).get("/").content.decode()
    assert 'href="/analytics/"' in page and "program-dashboard-link" in page


def test_finance_home_shows_queues_with_ageing(finance_user, client_for, partner, django_assert_max_num_queries):
    EntryFactory(partner=partner, status=EntryStatus.PENDING, amount=Decimal("100.00"))
    old = EntryFactory(partner=partner, status=EntryStatus.PENDING, amount=Decimal("250.00"))
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=45))
    PayoutBatch.objects.create(partner=partner, status=BatchStatus.DRAFT, total=Decimal("80.00"), currency="USD")
    client = client_for(finance_user)
    with django_assert_max_num_queries(40):
        page = client.get("/").content.decode()
    assert "Commission entries pending approval" in page and "MDF claims awaiting approval" in page
    assert "<strong>2</strong> · 350.00" in page  # two entries waiting, 350 in total
    assert "250.00" in page and "31-60 days" in page
    assert "Draft payout batches awaiting a second approval" in page and "80.00" in page
    assert "No claims waiting." in page


def test_finance_queue_ageing_buckets_counts_and_totals(partner):
    from commissions.selectors import approval_queues

    for days, amount in ((1, "10.00"), (10, "20.00"), (40, "30.00"), (90, "40.00"), (91, "5.00")):
        entry = EntryFactory(partner=partner, status=EntryStatus.PENDING, amount=Decimal(amount))
        type(entry).objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=days))
    EntryFactory(partner=partner, status=EntryStatus.PENDING, amount=Decimal("7.00"), currency="EUR")
    rows = {row["currency"]: row for row in approval_queues()["entries"]}
    usd = rows["USD"]
    assert usd["count"] == 5 and usd["total"] == Decimal("105.00")
    assert [(b["count"], b["total"]) for b in usd["buckets"]] == [
        (1, Decimal("10.00")),
        (1, Decimal("20.00")),
        (1, Decimal("30.00")),
        (2, Decimal("45.00")),
    ]
    assert rows["EUR"]["count"] == 1


@pytest.mark.parametrize("role", ["partner_user", "partner_admin"])
def test_rollup_progress_is_for_dashboard_roles_only(role, request, client_for, program_admin):
    from analytics.services import start_run

    run = start_run(kind="full", user=program_admin)
    client = client_for(request.getfixturevalue(role))
    # A rollup run is program data, outside a partner's tenancy: 404 (docs/api.md, Errors).
    assert client.get(f"/analytics/rollups/{run.pk}/", HTTP_HX_REQUEST="true").status_code == 404
    assert client.post("/analytics/rollups/").status_code == 403
