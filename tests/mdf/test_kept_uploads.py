"""A proof attached to a claim the page refuses for another reason is kept (prm/files.py keep_upload): sent again
without re-attaching, the claim gets it; another user's, a forged or an expired token gets nothing."""

import re
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mdf import services
from mdf.models import MdfClaim
from prm import files
from tests.factories import PartnerAdminFactory
from tests.mdf.factories import PDF, allocate, approved_request, pdf, submitted_claim

pytestmark = pytest.mark.django_db


def _token(body: str) -> str:
    return re.search(r'name="proof_kept" value="([^"]+)"', body)[1]


@pytest.fixture
def refused(client_for, partner, partner_admin):
    """A claim refused for its amount (more than the share), with a good proof attached."""
    allocate(partner, "5000")
    mdf_request = approved_request(partner)
    client = client_for(partner_admin)
    url = f"/mdf/requests/{mdf_request.pk}/claim/new/"
    response = client.post(
        url, {"actual_cost": "4000", "claimed_amount": "", "proof": [SimpleUploadedFile("invoice.pdf", PDF)]}
    )
    assert response.status_code == 400
    return client, url, response.content.decode()


def test_a_refused_claim_keeps_its_proof_and_the_next_submission_uses_it(refused):
    client, url, body = refused
    assert 'data-testid="kept-upload"' in body and "Kept: invoice.pdf" in body
    response = client.post(url, {"actual_cost": "4000", "claimed_amount": "2000", "proof_kept": _token(body)})
    assert response.status_code == 302
    proof = MdfClaim.objects.get().proofs.get()
    assert proof.name == "invoice.pdf" and proof.file.read() == PDF


def test_remove_drops_the_kept_proof(refused):
    client, url, body = refused
    data = {"actual_cost": "4000", "claimed_amount": "2000", "proof_kept": _token(body), "proof_drop": "on"}
    assert client.post(url, data).status_code == 400
    assert not MdfClaim.objects.exists()


def test_a_fake_file_is_not_kept(client_for, partner, partner_admin):
    allocate(partner, "5000")
    mdf_request = approved_request(partner)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    response = client_for(partner_admin).post(
        f"/mdf/requests/{mdf_request.pk}/claim/new/", {"actual_cost": "4000", "claimed_amount": "2000", "proof": [fake]}
    )
    assert response.status_code == 400 and "Kept:" not in response.content.decode()


def test_another_users_token_is_refused(refused, partner):
    _, _, body = refused
    token = _token(body)
    assert files.kept_upload(token, user=PartnerAdminFactory(partner=partner)) is None


def test_a_tampered_or_expired_token_is_refused(refused, partner_admin):
    _, _, body = refused
    token = _token(body)
    assert files.kept_upload(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), user=partner_admin) is None
    with mock.patch("time.time", return_value=time.time() + files.STASH_MAX_AGE + 60):
        assert files.kept_upload(token, user=partner_admin) is None
    assert files.kept_upload(token, user=partner_admin) is not None  # the genuine token, in time


def test_stale_kept_files_are_cleaned_idempotently(refused):
    _, _, body = refused
    assert files.clean_upload_stash() == 0  # fresh files stay
    later = time.time() + files.STASH_MAX_AGE + 60
    assert files.clean_upload_stash(later) >= 1
    assert files.clean_upload_stash(later) == 0
    from prm.tasks import clean_upload_stash  # the hourly beat job (config/schedule.py)

    assert clean_upload_stash() == 0


def test_a_refused_answer_to_finance_keeps_its_file(client_for, partner, finance_user):
    allocate(partner, "5000")
    claim = submitted_claim(approved_request(partner))
    services.request_claim_info(claim=claim, actor=finance_user, reason="Invoice is unreadable")
    client = client_for(claim.submitted_by)
    url = f"/mdf/claims/{claim.pk}/answer/"
    response = client.post(url, {"note": "", "proof": [pdf("scan.pdf")]})
    body = response.content.decode()
    assert response.status_code == 400 and "Kept: scan.pdf" in body
    response = client.post(url, {"note": "New scan attached", "proof_kept": _token(body)})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.proofs.filter(name="scan.pdf").get().file.read() == PDF
