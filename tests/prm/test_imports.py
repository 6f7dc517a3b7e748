"""The shared CSV import framework (prm.imports): upload checks, header aliases, dry run, row isolation,
error report, progress in Celery, idempotent task."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deals.models import DealRegistration
from partners.models import Partner
from prm import imports
from prm.models import AuditEntry, ImportJob
from prm.tasks import run_import as run_import_task
from tests.factories import PartnerFactory

HEADER = "name,website_domain,partner_type,tier,country,external_crm_id\n"


def upload(client, text, *, name="partners.csv", dry_run=False, url="/partners/import/", encoding="utf-8"):
    data = {"file": SimpleUploadedFile(name, text.encode(encoding) if isinstance(text, str) else text)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(url, data)


def test_headers_match_case_insensitively_and_through_aliases():
    spec = imports.get_spec("partners")
    parsed = imports.parse_csv("Company Name;WEBSITE;Type;Country Code\nAcme;acme.example;reseller;US\n", spec)
    assert set(parsed.mapping.values()) == {"name", "website_domain", "partner_type", "country"}
    assert parsed.rows[0][0] == 2 and parsed.rows[0][1]["website_domain"] == "acme.example"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("website\nacme.example\n", "Missing column(s): name"),
        ("name,company\nA,B\n", "appears twice"),
        ("name,country\n", "no rows"),
        ("name,country\nA,US,extra,cells\n", "Row 2 has more cells"),
    ],
)
def test_unusable_files_are_refused_with_a_clear_message(text, message):
    with pytest.raises(imports.ValidationError) as error:
        imports.parse_csv(text, imports.get_spec("partners"))
    assert message in " ".join(error.value.messages)


def test_upload_checks_type_encoding_size_and_rows(client_for, program_admin, settings):
    client = client_for(program_admin)
    response = upload(client, HEADER + "A,a.example,reseller,,US,1\n", name="partners.xlsx")
    assert response.status_code == 400 and b"Upload a .csv file (this is a .xlsx file)" in response.content
    response = upload(client, (HEADER + "Zürich AG,z.example,reseller,,CH,1\n").encode("latin-1"))
    assert response.status_code == 400 and b"not UTF-8" in response.content
    settings.IMPORT_MAX_BYTES = 1024
    response = upload(client, HEADER + "A,a.example,reseller,,US,1\n" * 40)
    assert response.status_code == 400 and b"the limit is 1 KB. Split it" in response.content
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    settings.IMPORT_MAX_ROWS = 3
    response = upload(client, HEADER + "".join(f"P{i},p{i}.example,reseller,,US,{i}\n" for i in range(4)))
    assert response.status_code == 400 and b"the limit is 3" in response.content
    assert not ImportJob.objects.exists() and not Partner.objects.exists()


def test_utf8_with_a_bom_is_accepted(client_for, program_admin):
    response = upload(client_for(program_admin), "\ufeff" + HEADER + "Zürich AG,zurich.example,reseller,,CH,Z1\n")
    assert response.status_code == 302
    assert Partner.objects.get(external_crm_id="Z1").name == "Zürich AG"


def test_error_report_lists_row_field_message_and_the_original_cells(client_for, program_admin):
    client = client_for(program_admin)
    response = upload(client, HEADER + "Good,good.example,reseller,,US,G1\nBad,bad.example,plumber,Diamond,US,B1\n")
    job = ImportJob.objects.get()
    report = client.get(response["Location"] + "errors.csv")
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert rows[0] == ["row", "field", "message", *HEADER.strip().split(",")]
    by_field = {row[1]: row for row in rows[1:]}
    assert by_field["partner_type"][0] == "3" and by_field["partner_type"][2].startswith(
        "Unknown partner type 'plumber'"
    )
    assert by_field["tier"][2].startswith("Unknown tier 'Diamond'. Use one of: Registered, Silver, Gold, Platinum")
    assert by_field["tier"][3:] == ["Bad", "bad.example", "plumber", "Diamond", "US", "B1"]
    assert job.error_rows == 1 and job.created == 1


def test_a_dry_run_checks_uniqueness_across_rows_and_writes_nothing(client_for, program_admin):
    text = HEADER + "One,one.example,reseller,,US,C1\nTwo,two.example,reseller,,US,C1\n"
    response = upload(client_for(program_admin), text, dry_run=True)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.dry_run and job.status == "done"
    assert (job.created, job.error_rows) == (1, 1)
    assert job.errors == [{"row": 3, "field": "external_crm_id", "message": "The same partner is already on row 2."}]
    assert not Partner.objects.exists()
    assert not AuditEntry.objects.filter(action="import_partners").exists()


def test_running_the_task_twice_changes_nothing_the_second_time(program_admin):
    job = imports.start_import(
        actor=program_admin, kind="partners", content=HEADER + "One,one.example,reseller,,US,C1\n", file_name="a.csv"
    )
    run_import_task.delay(job.pk)
    run_import_task.delay(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 1)
    assert Partner.objects.count() == 1
    assert AuditEntry.objects.filter(action="import_partners").count() == 1


def test_progress_page_polls_until_done_and_hides_other_users_jobs(client_for, program_admin, channel_manager):
    job = imports.start_import(
        actor=program_admin, kind="partners", content=HEADER + "One,one.example,reseller,,US,C1\n", file_name="a.csv"
    )
    client = client_for(program_admin)
    queued = client.get(f"/partners/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert queued.status_code == 200 and b'hx-trigger="every 1s"' in queued.content and b"<html" not in queued.content
    imports.run_import(job_id=job.pk)
    done = client.get(f"/partners/import/{job.pk}/")
    assert b"every 1s" not in done.content and b"1</strong> created" in done.content
    other = client_for(channel_manager)
    assert other.get(f"/partners/import/{job.pk}/").status_code == 404
    assert other.get(f"/partners/import/{job.pk}/errors.csv").status_code == 404
    # Another kind's URL does not show it either.
    assert client.get(f"/deals/import-history/{job.pk}/").status_code == 404


def test_a_large_import_runs_in_celery_and_reports_progress(client_for, program_admin, settings, monkeypatch):
    # Progress every 200 rows over 1,000: enough to see it move without slowing the suite (bench/ times size).
    settings.IMPORT_PROGRESS_EVERY = 200
    partners = [PartnerFactory(external_crm_id=f"P{i}") for i in range(5)]
    seen: list[int] = []
    real_set = imports.cache.set

    def record(key, value, *args, **kwargs):
        if key.startswith("import-progress:"):
            seen.append(value)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(imports.cache, "set", record)
    rows = "".join(
        f"P{i % 5},Customer {i},c{i}.example,US,{100 + i}.50,USD,won,2024-01-{1 + i % 28:02d},2024-03-01,X{i}\n"
        for i in range(1000)
    )
    text = (
        "partner,customer_name,customer_domain,country,amount,currency,status,submitted_date,close_date,external_id\n"
    )
    response = upload(client_for(program_admin), text + rows, name="history.csv", url="/deals/import-history/")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.total_rows, job.processed_rows, job.created, job.errors) == ("done", 1000, 1000, 1000, [])
    assert seen == [200, 400, 600, 800, 1000]
    assert DealRegistration.objects.filter(partner__in=partners).count() == 1000
