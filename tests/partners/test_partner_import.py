"""Partner import from a CRM export: good rows in, bad rows reported, nothing half-written, idempotent."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partners.models import Partner, TierChange
from prm.models import AuditEntry, ImportJob
from tests.factories import PartnerFactory, tier

HEADER = (
    "Name,Website Domain,Partner Type,Tier,Country,Region,Channel Manager Email,"
    "External CRM ID,Verticals,Status,Joined Date"
)


def csv_text(*rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    return out.getvalue()


def upload(client, text, dry_run=False):
    data = {"file": SimpleUploadedFile("crm.csv", text.encode())}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/partners/import/", data)


@pytest.fixture
def crm_file(channel_manager):
    return csv_text(
        [
            "Northwind",
            "https://www.Northwind.example/",
            "reseller",
            "Gold",
            "DE",
            "",
            "manager@example.com",
            "CRM-1",
            "healthcare; Retail",
            "active",
            "2022-05-01",
        ],
        ["Bad tier", "badtier.example", "reseller", "Diamond", "US", "", "", "CRM-2", "", "", ""],
        ["Bad manager", "badmanager.example", "VAR", "", "US", "", "nobody@example.com", "CRM-3", "", "", ""],
        ["Bad type", "badtype.example", "plumber", "", "FR", "", "", "CRM-4", "", "", ""],
        ["Contoso", "contoso.example", "Systems integrator", "", "Japan", "", "", "CRM-5", "", "suspended", ""],
        ["No key", "", "reseller", "", "US", "", "", "", "", "", ""],
        ["Bad date", "baddate.example", "reseller", "", "US", "", "", "CRM-7", "", "", "01/02/2023"],
    )


def test_good_rows_go_in_and_bad_rows_are_reported_with_nothing_half_written(client_for, channel_manager, crm_file):
    response = upload(client_for(channel_manager), crm_file)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.created, job.updated) == ("done", 2, 0)
    fields = {(e["row"], e["field"]) for e in job.errors}
    assert fields == {(3, "tier"), (4, "channel_manager_email"), (5, "partner_type"), (7, ""), (8, "joined_date")}
    assert set(Partner.objects.values_list("external_crm_id", flat=True)) == {"CRM-1", "CRM-5"}
    northwind = Partner.objects.get(external_crm_id="CRM-1")
    assert northwind.website_domain == "northwind.example" and northwind.tier.name == "Gold"
    assert northwind.region == "emea" and northwind.verticals == ["healthcare", "retail"]
    assert northwind.channel_manager == channel_manager and northwind.status == "active"
    assert str(northwind.joined_at) == "2022-05-01"
    contoso = Partner.objects.get(external_crm_id="CRM-5")
    assert (contoso.country.code, contoso.region, contoso.status, contoso.tier.name) == (
        "JP",
        "apac",
        "suspended",
        "Registered",
    )
    # Created through the partner services: tier history and audit rows like any new partner.
    assert TierChange.objects.filter(partner=northwind, kind="assignment").exists()
    assert AuditEntry.objects.filter(object_id=northwind.pk, action="created").exists()


def test_a_dry_run_reports_the_same_and_writes_nothing(client_for, channel_manager, crm_file):
    upload(client_for(channel_manager), crm_file, dry_run=True)
    job = ImportJob.objects.get()
    assert (job.status, job.created, job.error_rows) == ("done", 2, 5)
    assert not Partner.objects.exists() and not TierChange.objects.exists()


def test_reimport_is_idempotent_and_updates_by_crm_id_then_by_domain(
    client_for, program_admin, channel_manager, crm_file
):
    client = client_for(program_admin)
    upload(client, crm_file)
    upload(client, crm_file)
    second = ImportJob.objects.order_by("pk").last()
    assert (second.created, second.updated, second.skipped) == (0, 0, 2)
    assert Partner.objects.count() == 2
    existing = PartnerFactory(
        name="Fabrikam", website_domain="fabrikam.example", external_crm_id="", tier=tier("Silver")
    )
    changed = csv_text(
        ["Northwind GmbH", "northwind.example", "reseller", "Platinum", "DE", "", "", "CRM-1", "", "", ""],
        ["Fabrikam Inc", "www.fabrikam.example", "", "", "", "", "", "CRM-9", "", "", ""],
    )
    upload(client, changed)
    third = ImportJob.objects.order_by("pk").last()
    assert (third.created, third.updated, third.errors) == (0, 2, [])
    northwind = Partner.objects.get(external_crm_id="CRM-1")
    assert northwind.name == "Northwind GmbH" and northwind.tier.name == "Platinum"
    assert TierChange.objects.filter(partner=northwind, kind="promotion", reason__icontains="CSV import").exists()
    existing.refresh_from_db()
    assert (existing.name, existing.external_crm_id, existing.tier.name) == ("Fabrikam Inc", "CRM-9", "Silver")


def test_the_page_offers_a_sample_and_is_linked_from_the_directory(client_for, program_admin):
    client = client_for(program_admin)
    page = client.get("/partners/import/")
    assert page.status_code == 200 and b"Dry run" in page.content and b"external_crm_id" in page.content
    sample = client.get("/partners/import/sample.csv")
    assert sample["Content-Type"].startswith("text/csv")
    assert sample.content.decode().splitlines()[0].startswith("name,website_domain,partner_type,tier,country")
    assert b'href="/partners/import/"' in client.get("/partners/").content


def test_the_sample_file_imports_cleanly(client_for, program_admin):
    client = client_for(program_admin)
    sample = client.get("/partners/import/sample.csv").content.decode()
    upload(client, sample)
    job = ImportJob.objects.get()
    assert (job.created, job.errors) == (2, [])


@pytest.mark.parametrize("role", ["partner_admin", "partner_user", "finance_user"])
def test_other_roles_may_not_import(db, client_for, request, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get("/partners/import/").status_code == 403
    assert client.get("/partners/import/sample.csv").status_code == 403


def test_partner_users_get_403_on_someone_elses_job(client_for, program_admin, partner_admin, crm_file):
    upload(client_for(program_admin), crm_file)
    job = ImportJob.objects.get()
    client = client_for(partner_admin)
    assert client.get(f"/partners/import/{job.pk}/").status_code == 403


def test_the_pages_need_a_bounded_number_of_queries(client_for, program_admin, crm_file, django_assert_max_num_queries):
    client = client_for(program_admin)
    upload(client, crm_file)
    job = ImportJob.objects.get()
    with django_assert_max_num_queries(12):
        assert client.get("/partners/import/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/partners/import/{job.pk}/").status_code == 200
