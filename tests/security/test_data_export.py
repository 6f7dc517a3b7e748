"""Organisation data export (issue 11): a partner admin downloads everything about their organisation, and
nothing about anyone else's."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Invitation, Role
from deals.models import DealStatus
from partners.data_export import export_organisation
from prm.audit import record_audit
from prm.models import AuditEntry, Notification
from tests.commissions.factories import EntryFactory
from tests.deals.factories import DealFactory
from tests.factories import InternalUserFactory
from tests.mdf.factories import PDF, allocate, approved_request, pdf, submitted_claim

pytestmark = pytest.mark.django_db


def seed(partner, admin, member, *, tag):
    """One of everything for `partner`; every text carries `tag` so a leak shows up by name."""
    deal = DealFactory(partner=partner, registered_by=member, customer_name=f"{tag} Customer Corp")
    record_audit(actor=member, obj=deal, action="submitted", to_state=DealStatus.APPROVED, reason=f"{tag} timeline")
    allocate(partner, "5000.00")
    mdf_request = approved_request(partner, title=f"{tag} webinar")
    submitted_claim(mdf_request, user=admin, files=[pdf(f"{tag}-invoice.pdf")])
    EntryFactory(partner=partner, description=f"{tag} adjustment", reason=f"{tag} reason")
    Notification.objects.create(user=member, category="deals", title=f"{tag} notice")
    ApiToken.objects.create(user=member, name=f"{tag} CRM sync", prefix=f"{tag[:4]}1234", key_hash=f"{tag}-hash-secret")
    Invitation.objects.create(
        email=f"new@{tag.lower()}.example",
        role=Role.PARTNER_USER,
        partner=partner,
        invited_by=admin,
        token_hash=f"{tag}-invitation-token-hash".ljust(64, "x")[:64],
        expires_at=timezone.now() + timedelta(days=7),
    )
    return deal


@pytest.fixture
def world(settings, tmp_path, partner, partner_admin, partner_user, other_partner, other_partner_user):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed(partner, partner_admin, partner_user, tag="ACME")
    seed(other_partner, other_partner_user, other_partner_user, tag="GLOBEX")
    partner_user.set_password("a-long-password-2026")
    partner_user.save()
    return partner


def unzip(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    return archive, {name: archive.read(name) for name in archive.namelist()}


def rows(files, name):
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


def test_partner_admin_exports_own_data_and_nothing_of_another_partner(world, partner, partner_admin):
    filename, content = export_organisation(user=partner_admin)
    assert filename.startswith(f"acme-cloud-partners-{partner.pk}-export-") and filename.endswith(".zip")
    archive, files = unzip(content)
    assert archive.testzip() is None

    expected = {
        "partner.csv",
        "users.csv",
        "invitations.csv",
        "deals.csv",
        "deal_timeline.csv",
        "leads.csv",
        "influences.csv",
        "business_plans.csv",
        "onboarding.csv",
        "certificates.csv",
        "enrolments.csv",
        "exam_attempts.csv",
        "mdf_funds.csv",
        "mdf_fund_entries.csv",
        "mdf_requests.csv",
        "mdf_claims.csv",
        "mdf_proof_files.csv",
        "commission_entries.csv",
        "commission_statements.csv",
        "kpi_snapshots.csv",
        "scorecards.csv",
        "notifications.csv",
        "api_tokens.csv",
        "README.txt",
        "manifest.json",
    }
    assert expected <= set(files)

    assert [row["name"] for row in rows(files, "partner.csv")] == ["Acme Cloud Partners"]
    assert "external_crm_id" not in rows(files, "partner.csv")[0]  # internal-only field
    assert {row["email"] for row in rows(files, "users.csv")} >= {"alice@acme.example", "bob@acme.example"}
    assert [row["customer_name"] for row in rows(files, "deals.csv")] == ["ACME Customer Corp"]
    assert "match_evidence" not in rows(files, "deals.csv")[0] and "conflict_with_id" not in rows(files, "deals.csv")[0]
    assert "ACME timeline" in {row["reason"] for row in rows(files, "deal_timeline.csv")}
    assert [row["title"] for row in rows(files, "mdf_requests.csv")] == ["ACME webinar"]
    assert len(rows(files, "mdf_claims.csv")) == 1
    assert [row["name"] for row in rows(files, "mdf_proof_files.csv")] == ["ACME-invoice.pdf"]
    assert {row["description"] for row in rows(files, "commission_entries.csv")} >= {"ACME adjustment"}
    assert [row["title"] for row in rows(files, "notifications.csv")] == ["ACME notice"]
    assert [(row["name"], row["scope"]) for row in rows(files, "api_tokens.csv")] == [("ACME CRM sync", "read_write")]
    assert rows(files, "mdf_funds.csv") and rows(files, "mdf_fund_entries.csv")
    proofs = [name for name in files if name.startswith("files/mdf_proofs/")]
    assert len(proofs) == 1 and files[proofs[0]] == PDF

    manifest = json.loads(files["manifest.json"])
    assert manifest["partner"]["id"] == partner.pk and manifest["row_counts"]["deals.csv"] == 1

    everything = b"".join(files.values())
    for leak in (b"GLOBEX", b"Globex", b"globex.example"):
        assert leak not in everything, leak
    for secret in (b"hash-secret", b"invitation-token-hash", b"pbkdf2_", b"argon2"):
        assert secret not in everything, secret


def test_export_is_audited(world, partner, partner_admin):
    export_organisation(user=partner_admin)
    entry = AuditEntry.objects.get(action="data_export")
    assert entry.actor == partner_admin and entry.partner_id == partner.pk and entry.object_id == partner.pk
    assert entry.changes["row_counts"]["deals.csv"] == 1


def test_program_admin_exports_any_partner_with_internal_fields(world, other_partner, program_admin):
    _, content = export_organisation(user=program_admin, partner=other_partner)
    _, files = unzip(content)
    assert [row["customer_name"] for row in rows(files, "deals.csv")] == ["GLOBEX Customer Corp"]
    assert "external_crm_id" in rows(files, "partner.csv")[0] and "decision_note" in rows(files, "deals.csv")[0]
    assert b"ACME" not in b"".join(files.values())


def test_service_refuses_partner_users_other_partners_and_other_internal_roles(world, partner, other_partner):
    from tests.factories import UserFactory

    member = UserFactory(partner=partner)
    with pytest.raises(PermissionDenied):
        export_organisation(user=member)
    admin = partner.users.filter(role=Role.PARTNER_ADMIN).first()
    with pytest.raises(Http404):
        export_organisation(user=admin, partner=other_partner)
    with pytest.raises(PermissionDenied):
        export_organisation(user=InternalUserFactory(role=Role.CHANNEL_MANAGER), partner=partner)
    assert not AuditEntry.objects.filter(action="data_export").exists()


def test_page_download_for_partner_admin(world, partner, partner_admin, client_for, django_assert_max_num_queries):
    client = client_for(partner_admin)
    detail = client.get(reverse("partners:detail", args=[partner.pk]))
    assert b'data-testid="export-data"' in detail.content
    with django_assert_max_num_queries(60):
        response = client.post(reverse("partners:export", args=[partner.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="acme-cloud-partners-')
    assert response["Cache-Control"] == "no-store"
    _, files = unzip(response.content)
    assert [row["customer_name"] for row in rows(files, "deals.csv")] == ["ACME Customer Corp"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_partner_user", 404), ("partner_user", 403), ("channel_manager", 403), ("finance_user", 403)],
)
def test_page_roles(world, partner, who, status, client_for, request):
    client = client_for(request.getfixturevalue(who))
    assert client.post(reverse("partners:export", args=[partner.pk])).status_code == status
    if who == "partner_user":
        detail = client.get(reverse("partners:detail", args=[partner.pk]))
        assert b'data-testid="export-data"' not in detail.content


def test_page_program_admin_and_get_not_allowed(world, other_partner, program_admin, client_for):
    client = client_for(program_admin)
    response = client.post(reverse("partners:export", args=[other_partner.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert client.get(reverse("partners:export", args=[other_partner.pk])).status_code == 405
    assert client.post(reverse("partners:export", args=[999999])).status_code == 404


def test_anonymous_goes_to_login(world, partner, client):
    response = client.post(reverse("partners:export", args=[partner.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
