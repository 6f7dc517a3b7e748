"""Requests, approvals, claims with proof files, finance decisions and payment (through the services)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mdf import services
from mdf.files import check_proof_file
from mdf.models import ClaimStatus, EntryKind, Fund, RequestStatus
from prm.exceptions import Conflict, TransitionNotAllowed
from tests.mdf.factories import (
    EXE,
    PNG,
    MarketingUserFactory,
    allocate,
    approved_request,
    pdf,
    request_data,
    submitted_claim,
    submitted_request,
)
from tests.mdf.test_ledger import assert_ledger_matches

pytestmark = pytest.mark.django_db


def test_a_sales_user_may_request_until_the_admin_restricts_it_to_marketing(partner, partner_admin, partner_user):
    assert services.submit_request(user=partner_user, **request_data()).status == RequestStatus.SUBMITTED
    services.set_mdf_requesters(partner=partner, actor=partner_admin, requesters="admins_and_marketing")
    with pytest.raises(PermissionDenied):
        services.submit_request(user=partner_user, **request_data())
    mdf_request = services.submit_request(user=MarketingUserFactory(partner=partner), **request_data())
    assert mdf_request.status == RequestStatus.SUBMITTED


def test_request_is_capped_at_the_reimbursable_share_of_its_cost(partner, partner_admin):
    with pytest.raises(ValidationError) as error:
        services.submit_request(user=partner_admin, **request_data(requested_amount=Decimal("2000.01")))
    assert "at most $2,000.00" in error.value.message_dict["requested_amount"][0]


def test_approval_commits_across_funds_the_one_expiring_first_first(partner, channel_manager):
    older = allocate(partner, "500")
    Fund.objects.filter(pk=older.pk).update(period="2000-Q1")  # an older fund that expires sooner
    Fund.objects.filter(pk=older.pk).update(expires_at=timezone.localdate() + timedelta(days=5))
    newer = allocate(partner, "3000")
    mdf_request = submitted_request(partner)
    services.approve_request(mdf_request=mdf_request, actor=channel_manager, amount=Decimal("1800"))
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.committed, older.available) == (Decimal("500.00"), 0)
    assert (newer.committed, newer.available) == (Decimal("1300.00"), Decimal("1700.00"))
    mdf_request.refresh_from_db()
    assert (mdf_request.status, mdf_request.approved_amount) == (RequestStatus.APPROVED, Decimal("1800.00"))


def test_approval_beyond_the_funds_is_a_conflict_and_commits_nothing(partner, channel_manager):
    fund = allocate(partner, "1000")
    mdf_request = submitted_request(partner)
    with pytest.raises(Conflict) as error:
        services.approve_request(mdf_request=mdf_request, actor=channel_manager)
    assert error.value.code == "insufficient_funds"
    fund.refresh_from_db()
    assert fund.committed == 0 and fund.entries.filter(kind=EntryKind.COMMITMENT).count() == 0


def test_partner_cannot_approve_and_approval_is_not_above_the_request(partner, partner_admin, channel_manager):
    allocate(partner, "5000")
    mdf_request = submitted_request(partner)
    with pytest.raises(PermissionDenied):
        services.approve_request(mdf_request=mdf_request, actor=partner_admin)
    with pytest.raises(ValidationError):
        services.approve_request(mdf_request=mdf_request, actor=channel_manager, amount=Decimal("2000.01"))
    services.reject_request(mdf_request=mdf_request, actor=channel_manager, reason="Not our audience")
    with pytest.raises(TransitionNotAllowed):
        services.approve_request(mdf_request=mdf_request, actor=channel_manager)


def test_full_claim_flow_pays_and_releases_the_unclaimed_rest(partner, finance_user):
    fund = allocate(partner, "5000")
    mdf_request = approved_request(partner)  # commits 2000
    claim = submitted_claim(mdf_request, actual="3000.00", claimed="1500.00")
    fund.refresh_from_db()
    assert (fund.committed, fund.claimed) == (Decimal("2000.00"), Decimal("1500.00"))
    services.approve_claim(claim=claim, actor=finance_user, amount=Decimal("1200"))
    fund.refresh_from_db()
    assert fund.claimed == Decimal("1200.00")
    services.pay_claim(claim=claim, actor=finance_user, payment_reference="WIRE-778")
    fund.refresh_from_db()
    assert (fund.paid, fund.committed, fund.claimed) == (Decimal("1200.00"), 0, 0)
    assert fund.available == Decimal("3800.00")
    assert fund.entries.get(kind=EntryKind.RELEASE).amount == Decimal("800.00")
    claim.refresh_from_db()
    mdf_request.refresh_from_db()
    assert (claim.status, claim.payment_reference) == (ClaimStatus.PAID, "WIRE-778")
    assert mdf_request.status == RequestStatus.COMPLETED
    with pytest.raises(TransitionNotAllowed):
        services.pay_claim(claim=claim, actor=finance_user, payment_reference="WIRE-779")
    assert_ledger_matches(fund)


def test_claim_caps_commitment_and_reimbursable_share(partner, finance_user):
    allocate(partner, "5000")
    mdf_request = approved_request(partner, amount=Decimal("1000"))
    with pytest.raises(ValidationError) as error:
        submitted_claim(mdf_request, actual="4000.00", claimed="1000.01")
    assert "committed $1,000.00" in error.value.message_dict["claimed_amount"][0]
    with pytest.raises(ValidationError) as error:
        submitted_claim(mdf_request, actual="1500.00", claimed="800.00")
    assert "At most $750.00: 50% of the actual cost" in error.value.message_dict["claimed_amount"][0]
    claim = submitted_claim(mdf_request, actual="1500.00", claimed="750.00")
    with pytest.raises(ValidationError) as error:
        services.approve_claim(claim=claim, actor=finance_user, amount=Decimal("750.01"))
    assert "approved_amount" in error.value.message_dict
    services.approve_claim(claim=claim, actor=finance_user)  # omitted: the claimed amount
    claim.refresh_from_db()
    assert claim.approved_amount == Decimal("750.00")


def test_claims_only_inside_the_window(partner, settings):
    allocate(partner, "10000")
    today = timezone.localdate()
    future = approved_request(partner, start_date=today + timedelta(days=3), end_date=today + timedelta(days=4))
    with pytest.raises(Conflict) as error:
        submitted_claim(future)
    assert error.value.code == "claim_too_early"
    late_end = today - timedelta(days=settings.MDF_CLAIM_WINDOW_DAYS + 1)
    late = approved_request(partner, start_date=late_end - timedelta(days=2), end_date=late_end)
    with pytest.raises(Conflict) as error:
        submitted_claim(late)
    assert error.value.code == "claim_window_closed"
    last_day = today - timedelta(days=settings.MDF_CLAIM_WINDOW_DAYS)
    on_time = approved_request(partner, start_date=last_day, end_date=last_day)
    assert submitted_claim(on_time).status == ClaimStatus.SUBMITTED


def test_an_executable_renamed_pdf_is_refused_with_a_clear_message(partner):
    allocate(partner, "5000")
    mdf_request = approved_request(partner)
    with pytest.raises(ValidationError) as error:
        submitted_claim(mdf_request, files=[pdf("invoice.pdf", EXE)])
    assert "is a program, not a PDF file" in error.value.message_dict["proof"][0]
    with pytest.raises(ValidationError) as error:
        submitted_claim(mdf_request, files=[pdf("photo.png", b"<html>not an image</html>")])
    assert "not a real PNG file" in error.value.message_dict["proof"][0]
    with pytest.raises(ValidationError) as error:
        submitted_claim(mdf_request, files=[pdf("tool.exe", EXE)])
    assert "only PDF, PNG, JPEG or CSV" in error.value.message_dict["proof"][0]
    with pytest.raises(ValidationError) as error:
        submitted_claim(mdf_request, files=[])
    assert "at least one proof file" in error.value.message_dict["proof"][0]


def test_proof_size_is_limited(settings):
    settings.MDF_PROOF_MAX_MB = 1
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        check_proof_file(pdf("big.pdf", b"%PDF-" + b"0" * (1024 * 1024)))
    assert check_proof_file(pdf("photo.png", PNG)) == "image/png"
    assert check_proof_file(pdf("attendees.csv", b"name,email\nAda,ada@example.com\n")) == "text/csv"


def test_rejected_claim_frees_the_claimed_hold_and_a_new_claim_may_follow(partner, finance_user):
    fund = allocate(partner, "5000")
    mdf_request = approved_request(partner)
    claim = submitted_claim(mdf_request)
    services.request_claim_info(claim=claim, actor=finance_user, reason="Invoice is unreadable")
    services.answer_claim_info(claim=claim, user=claim.submitted_by, note="New scan attached", files=[pdf()])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.proofs.count() == 2
    services.reject_claim(claim=claim, actor=finance_user, reason="Wrong event")
    fund.refresh_from_db()
    assert (fund.claimed, fund.committed) == (0, Decimal("2000.00"))
    assert submitted_claim(mdf_request).status == ClaimStatus.SUBMITTED


def test_channel_manager_cannot_pay_and_partner_cannot_approve_claims(partner, channel_manager, partner_admin):
    allocate(partner, "5000")
    claim = submitted_claim(approved_request(partner))
    with pytest.raises(PermissionDenied):
        services.approve_claim(claim=claim, actor=partner_admin)
    with pytest.raises(PermissionDenied):
        services.pay_claim(claim=claim, actor=channel_manager, payment_reference="X")


def test_lapsed_request_releases_its_commitment(partner, settings):
    fund = allocate(partner, "5000")
    mdf_request = approved_request(partner)
    later = mdf_request.claim_deadline + timedelta(days=1)
    assert services.release_lapsed_request(request_id=mdf_request.pk, today=mdf_request.claim_deadline) is False
    assert services.release_lapsed_request(request_id=mdf_request.pk, today=later) is True
    assert services.release_lapsed_request(request_id=mdf_request.pk, today=later) is False
    fund.refresh_from_db()
    assert (fund.committed, fund.available) == (0, Decimal("5000.00"))
