"""Historical deal import: final states without the rules of engagement, commissions, MDF or events;
bad rows reported, nothing half-written, idempotent re-import, analytics marked dirty."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from analytics.models import DirtyPartner
from commissions.models import CommissionEntry
from deals.history_import import import_historical_deal
from deals.models import Account, DealRegistration
from mdf.models import FundEntry
from policy.selectors import policy_at
from prm.models import AuditEntry, DomainEvent, ImportJob
from tests.deals.factories import DealFactory

HEADER = [
    "partner",
    "customer_name",
    "customer_domain",
    "country",
    "amount",
    "currency",
    "status",
    "deal_type",
    "product",
    "submitted_date",
    "close_date",
    "external_id",
]


def csv_text(*rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def upload(client, text, dry_run=False):
    data = {"file": SimpleUploadedFile("history.csv", text.encode())}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/deals/import-history/", data)


@pytest.fixture
def history(partner, other_partner):
    partner.external_crm_id = "CRM-ACME"
    partner.save()
    soon = (timezone.localdate() - timedelta(days=10)).isoformat()
    return csv_text(
        [
            "CRM-ACME",
            "Initech Ltd",
            "https://www.initech.example",
            "GB",
            "48,000.00",
            "GBP",
            "won",
            "new_business",
            "Platform",
            "2024-02-12",
            "2024-05-30",
            "OPP-1",
        ],
        [
            str(other_partner.pk),
            "Umbrella AG",
            "umbrella.example",
            "Germany",
            "15000",
            "EUR",
            "lost",
            "",
            "",
            "2024-06-03",
            "2024-09-01",
            "OPP-2",
        ],
        ["CRM-ACME", "Hooli", "hooli.example", "US", "9000", "USD", "approved", "renewal", "", soon, "", "OPP-3"],
        ["CRM-ACME", "Stark", "stark.example", "US", "100", "USD", "expired", "", "", "2023-01-01", "", ""],
        ["CRM-NOPE", "Ghost", "ghost.example", "US", "100", "USD", "won", "", "", "2024-01-01", "2024-02-01", "OPP-5"],
        ["CRM-ACME", "No close", "noclose.example", "US", "100", "USD", "won", "", "", "2024-01-01", "", "OPP-6"],
        [
            "CRM-ACME",
            "Bad amount",
            "badamount.example",
            "US",
            "12,5",
            "USD",
            "won",
            "",
            "",
            "2024-01-01",
            "2024-02-01",
            "OPP-7",
        ],
        [
            "CRM-ACME",
            "Bad status",
            "badstatus.example",
            "US",
            "100",
            "USD",
            "submitted",
            "",
            "",
            "2024-01-01",
            "",
            "OPP-8",
        ],
        ["CRM-ACME", "Old approval", "old.example", "US", "100", "USD", "approved", "", "", "2020-01-01", "", "OPP-9"],
    )


def test_good_rows_go_in_in_their_final_state_and_bad_rows_are_reported(
    client_for, channel_manager, partner, other_partner, history
):
    events_before = DomainEvent.objects.count()
    assert upload(client_for(channel_manager), history).status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.created) == ("done", 4)
    assert {(e["row"], e["field"]) for e in job.errors} == {
        (6, "partner"),
        (7, "close_date"),
        (8, "amount"),
        (9, "status"),
        (10, "status"),
    }
    won = DealRegistration.objects.get(external_id="OPP-1")
    assert (won.partner, won.status, won.amount, won.currency, str(won.close_date)) == (
        partner,
        "won",
        Decimal("48000.00"),
        "GBP",
        "2024-05-30",
    )
    assert won.account.domain == "initech.example" and won.account.normalised_name == "initech"
    assert won.submitted_at.date().isoformat() == "2024-02-12" and won.registered_by is None
    approved = DealRegistration.objects.get(external_id="OPP-3")
    days = policy_at(approved.submitted_at).protection_days_for(partner.tier_id)  # the version in force then
    assert approved.protected_until == approved.submitted_at.date() + timedelta(days=days)
    assert DealRegistration.objects.get(external_id="OPP-2").partner == other_partner
    assert DealRegistration.objects.filter(customer_domain="stark.example", status="expired").exists()
    # Nothing half-written: no account or deal for the bad rows.
    assert not Account.objects.filter(
        domain__in=["ghost.example", "noclose.example", "badamount.example", "old.example"]
    ).exists()
    # History: no events, commissions or MDF accruals; an audit row per deal; both partners dirty.
    assert DomainEvent.objects.count() == events_before
    assert not CommissionEntry.objects.exists() and not FundEntry.objects.exists()
    assert AuditEntry.objects.filter(action="imported", to_state="won", object_id=won.pk).exists()
    assert set(DirtyPartner.objects.values_list("partner_id", flat=True)) == {partner.pk, other_partner.pk}


def test_a_dry_run_writes_nothing(client_for, program_admin, history):
    upload(client_for(program_admin), history, dry_run=True)
    job = ImportJob.objects.get()
    assert (job.created, job.error_rows) == (4, 5)
    assert not DealRegistration.objects.exists() and not Account.objects.exists() and not DirtyPartner.objects.exists()


def test_reimport_skips_deals_already_in_with_or_without_an_external_id(client_for, program_admin, history):
    client = client_for(program_admin)
    upload(client, history)
    upload(client, history)
    second = ImportJob.objects.order_by("pk").last()
    assert (second.created, second.skipped) == (0, 4)
    assert DealRegistration.objects.count() == 4


def test_an_approved_deal_cannot_take_a_customer_someone_holds(program_admin, partner):
    holder = DealFactory(customer_domain="held.example", account__domain="held.example")
    with pytest.raises(Exception) as error:
        import_historical_deal(
            actor=program_admin,
            partner=partner,
            customer_name="Held",
            customer_domain="held.example",
            country="US",
            amount=Decimal("1"),
            status="approved",
            submitted_on=timezone.localdate(),
        )
    assert "already holds this customer" in str(error.value)
    assert DealRegistration.objects.filter(account=holder.account).count() == 1


def test_an_external_id_of_another_partners_deal_is_refused(program_admin, partner, other_partner):
    DealFactory(partner=other_partner, external_id="OPP-X", status="won")
    with pytest.raises(Exception) as error:
        import_historical_deal(
            actor=program_admin,
            partner=partner,
            customer_name="X",
            country="US",
            amount=Decimal("1"),
            status="lost",
            submitted_on=timezone.localdate(),
            close_date=timezone.localdate(),
            external_id="OPP-X",
        )
    assert "Another partner's deal already has this external id" in str(error.value)


def test_the_sample_file_is_offered(client_for, channel_manager):
    client = client_for(channel_manager)
    page = client.get("/deals/import-history/")
    assert page.status_code == 200 and b"rules of engagement are not run" in page.content
    sample = client.get("/deals/import-history/sample.csv").content.decode()
    assert sample.splitlines()[0] == ",".join(HEADER)


@pytest.mark.parametrize("role", ["partner_admin", "partner_user", "finance_user"])
def test_other_roles_may_not_import_history(db, client_for, request, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    assert client.get("/deals/import-history/").status_code == 403
    assert upload(client, csv_text()).status_code == 403
    with pytest.raises(Exception, match="Only a channel manager or a program admin may import deal history"):
        import_historical_deal(
            actor=user,
            partner=user.partner or None,
            customer_name="X",
            country="US",
            amount=Decimal("1"),
            status="lost",
            submitted_on=timezone.localdate(),
            close_date=timezone.localdate(),
        )


def test_another_users_job_is_a_404(client_for, channel_manager, program_admin, history):
    upload(client_for(program_admin), history)
    job = ImportJob.objects.get()
    client = client_for(channel_manager)
    assert client.get(f"/deals/import-history/{job.pk}/").status_code == 404
    assert client.get(f"/deals/import-history/{job.pk}/errors.csv").status_code == 404
