"""Four eyes on every payout batch (docs/commissions-rules.md): one finance user submits, a different one
approves, and only an approved batch is paid; the monthly job's batches start unsubmitted. Services, the
database's constraints, pages, API and a race of two approvers."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from accounts.models import Role
from commissions import services
from commissions.models import BatchStatus, EntryStatus, PayoutBatch
from partners.models import PartnerStatus
from prm.audit import history_of
from prm.exceptions import Conflict, TransitionNotAllowed
from tests.commissions.factories import EntryFactory
from tests.factories import InternalUserFactory, PartnerFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def second_finance(db):
    return InternalUserFactory(role=Role.FINANCE, email="finance2@example.com")


def system_batch(partner, amount="209500.00"):
    """What the monthly job makes: no creator, no submitter."""
    EntryFactory(partner=partner, amount=D(amount), status=EntryStatus.APPROVED)
    [batch_id] = services.create_monthly_payout_batches()
    return PayoutBatch.objects.get(pk=batch_id)


def test_one_finance_user_alone_cannot_approve_and_pay_a_monthly_job_batch(partner, finance_user):
    batch = system_batch(partner)
    assert batch.created_by is None and batch.submitted_by is None and batch.status == BatchStatus.DRAFT
    with pytest.raises(Conflict) as refused:
        services.approve_batch(batch=batch, actor=finance_user)
    assert refused.value.code == "not_submitted"
    services.submit_batch(batch=batch, actor=finance_user)
    with pytest.raises(PermissionDenied):
        services.approve_batch(batch=batch, actor=finance_user)
    with pytest.raises(TransitionNotAllowed):
        services.pay_batch(batch=batch, actor=finance_user)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT and batch.approved_by is None
    assert batch.submitted_by == finance_user and batch.submitted_at
    assert history_of(batch).filter(action="submit", actor=finance_user).exists()


def test_submitted_by_one_approved_by_another_then_paid(
    partner, finance_user, second_finance, django_capture_on_commit_callbacks
):
    batch = system_batch(partner)
    services.submit_batch(batch=batch, actor=second_finance)
    with pytest.raises(Conflict) as again:
        services.submit_batch(batch=batch, actor=finance_user)
    assert again.value.code == "already_submitted"
    batch = services.approve_batch(batch=batch, actor=finance_user)
    assert batch.status == BatchStatus.APPROVED and batch.approved_by == finance_user
    with pytest.raises(Conflict):
        services.submit_batch(batch=batch, actor=finance_user)  # only drafts are submitted
    with django_capture_on_commit_callbacks(execute=True):
        services.pay_batch(batch=batch, actor=finance_user)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID


def test_a_finance_user_who_creates_a_batch_submits_it(partner, finance_user, second_finance):
    EntryFactory(partner=partner, status=EntryStatus.APPROVED)
    batch = services.create_payout_batch(partner=partner, actor=finance_user)
    assert batch.submitted_by == finance_user and batch.submitted_at
    with pytest.raises(Conflict):
        services.submit_batch(batch=batch, actor=second_finance)
    with pytest.raises(PermissionDenied):
        services.approve_batch(batch=batch, actor=finance_user)
    assert services.approve_batch(batch=batch, actor=second_finance).status == BatchStatus.APPROVED


def test_only_finance_submits_and_a_held_partner_is_not_submitted(partner, finance_user, program_admin):
    batch = system_batch(partner)
    with pytest.raises(PermissionDenied):
        services.submit_batch(batch=batch, actor=program_admin)
    partner.status = PartnerStatus.SUSPENDED
    partner.save(update_fields=["status"])
    with pytest.raises(Conflict) as held:
        services.submit_batch(batch=batch, actor=finance_user)
    assert held.value.code == "payouts_held"


def test_the_database_refuses_an_approval_without_two_people(partner, finance_user, second_finance):
    batch = system_batch(partner)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutBatch.objects.filter(pk=batch.pk).update(status="approved", approved_by=finance_user, approved_at=now)
    PayoutBatch.objects.filter(pk=batch.pk).update(submitted_by=finance_user, submitted_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutBatch.objects.filter(pk=batch.pk).update(status="approved", approved_by=finance_user, approved_at=now)
    PayoutBatch.objects.filter(pk=batch.pk).update(status="approved", approved_by=second_finance, approved_at=now)


def test_api_submit_then_approve_by_another(api_for, finance_user, second_finance, partner, partner_admin):
    batch = system_batch(partner)
    url = f"/api/v1/commissions/payouts/{batch.pk}/"
    first, second = api_for(finance_user), api_for(second_finance)
    listed = first.get(url).json()
    assert listed["submitted_by"] is None and listed["submitted_at"] is None
    refused = first.post(url + "approve/")
    assert refused.status_code == 409 and refused.json()["code"] == "not_submitted"
    assert api_for(partner_admin).post(url + "submit/").status_code == 403
    submitted = first.post(url + "submit/")
    assert submitted.status_code == 200 and submitted.json()["submitted_by"] == finance_user.pk
    assert first.post(url + "submit/").status_code == 409
    assert first.post(url + "approve/").status_code == 403
    assert first.post(url + "pay/").status_code == 409
    approved = second.post(url + "approve/")
    assert approved.status_code == 200 and approved.json()["approved_by"] == second_finance.pk
    assert first.post("/api/v1/commissions/payouts/999999/submit/").status_code == 404


def test_pages_submit_then_approve_by_another(client, finance_user, second_finance, partner):
    batch = system_batch(partner)
    url = f"/commissions/batches/{batch.pk}/"
    client.force_login(finance_user)
    page = client.get(url).content.decode()
    assert 'data-testid="submit-batch"' in page and 'data-testid="approve-batch"' not in page
    client.post(url, {"action": "approve"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT and batch.approved_by is None
    client.post(url, {"action": "submit"})
    batch.refresh_from_db()
    assert batch.submitted_by == finance_user
    page = client.get(url).content.decode()
    assert 'data-testid="approve-batch"' not in page and "A second finance user must approve" in page
    client.post(url, {"action": "approve"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT
    client.force_login(second_finance)
    assert 'data-testid="approve-batch"' in client.get(url).content.decode()
    client.post(url, {"action": "approve"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED and batch.approved_by == second_finance


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_finance_users_approving_at_once_record_exactly_one_approval():
    partner = PartnerFactory()
    submitter = InternalUserFactory(role=Role.FINANCE)
    approvers = [InternalUserFactory(role=Role.FINANCE) for _ in range(2)]
    EntryFactory(partner=partner, amount=D("100.00"), status=EntryStatus.APPROVED)
    batch = services.create_payout_batch(partner=partner, actor=submitter)
    barrier = threading.Barrier(len(approvers))
    outcomes, errors = [], []

    def approve(user):
        try:
            barrier.wait(timeout=30)
            services.approve_batch(batch=batch, actor=user)
            outcomes.append("approved")
        except TransitionNotAllowed:
            outcomes.append("refused")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["approved", "refused"]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED and batch.approved_by_id in {u.pk for u in approvers}
    assert history_of(batch).filter(action=BatchStatus.APPROVED).count() == 1
