"""Approval, payout batches, four-eyes, the idempotent payout task (crash and rerun), contests."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from accounts.models import Role
from commissions import services
from commissions.models import BatchStatus, CommissionEntry, ContestWinner, EntryKind, EntryStatus, PayoutBatch
from commissions.payouts import CsvPayoutBackend
from prm.audit import history_of
from prm.exceptions import Conflict, TransitionNotAllowed
from prm.models import AuditEntry, DomainEvent, Notification
from tests.commissions.factories import EntryFactory, WonDealFactory
from tests.factories import InternalUserFactory, PartnerAdminFactory, PartnerFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def second_finance(db):
    return InternalUserFactory(role=Role.FINANCE, email="finance2@example.com")


def approved_entries(partner, count, amount="10.00"):
    return [EntryFactory(partner=partner, amount=D(amount), status=EntryStatus.APPROVED) for _ in range(count)]


def test_finance_approves_singly_and_in_bulk_with_audit_rows(partner, finance_user, channel_manager):
    entries = [EntryFactory(partner=partner) for _ in range(3)]
    services.approve_entry(entry=entries[0], actor=finance_user)
    with pytest.raises(TransitionNotAllowed):
        services.approve_entry(entry=entries[0], actor=finance_user)
    assert services.approve_entries(entry_ids=[e.pk for e in entries], actor=finance_user) == 2
    assert set(CommissionEntry.objects.values_list("status", flat=True)) == {"approved"}
    assert history_of(entries[2]).filter(action="approved", actor=finance_user).exists()
    with pytest.raises(PermissionDenied):
        services.approve_entry(entry=EntryFactory(partner=partner), actor=channel_manager)


def test_adjustment_needs_a_reason_and_finance(partner, finance_user, program_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.add_adjustment(actor=finance_user, partner=partner, amount="-25.00", reason=" ")
    with pytest.raises(PermissionDenied):
        services.add_adjustment(actor=program_admin, partner=partner, amount="-25.00", reason="x")
    entry = services.add_adjustment(actor=finance_user, partner=partner, amount="-25.005", reason="Double count")
    assert entry.kind == EntryKind.ADJUSTMENT and entry.amount == D("-25.01") and entry.status == "pending"


def test_a_batch_gathers_approved_unbatched_entries_and_409_when_none(partner, other_partner, finance_user):
    entries = approved_entries(partner, 3, "100.10")
    EntryFactory(partner=partner)  # pending: not batched
    approved_entries(other_partner, 1)
    batch = services.create_payout_batch(partner=partner, actor=finance_user)
    assert batch.status == BatchStatus.DRAFT and batch.total == D("300.30")
    assert set(batch.entries.values_list("pk", flat=True)) == {e.pk for e in entries}
    assert set(batch.entries.values_list("status", flat=True)) == {"batched"}
    with pytest.raises(Conflict):
        services.create_payout_batch(partner=partner, actor=finance_user)


def test_clawbacks_net_against_earnings_and_a_negative_net_waits(partner, finance_user):
    EntryFactory(partner=partner, amount=D("-50.00"), status=EntryStatus.APPROVED)
    with pytest.raises(Conflict):
        services.create_payout_batch(partner=partner, actor=finance_user)
    approved_entries(partner, 1, "80.00")
    assert services.create_payout_batch(partner=partner, actor=finance_user).total == D("30.00")


def test_four_eyes_the_creator_cannot_approve_and_only_draft_batches_are_approved(
    partner, finance_user, second_finance
):
    approved_entries(partner, 2)
    batch = services.create_payout_batch(partner=partner, actor=finance_user)
    with pytest.raises(PermissionDenied):
        services.approve_batch(batch=batch, actor=finance_user)
    batch = services.approve_batch(batch=batch, actor=second_finance)
    assert batch.status == "approved" and batch.approved_by == second_finance
    with pytest.raises(TransitionNotAllowed):
        services.approve_batch(batch=batch, actor=second_finance)


def paying_batch(partner, finance_user, second_finance, count, django_capture_on_commit_callbacks, execute=False):
    approved_entries(partner, count, "1.01")
    batch = services.create_payout_batch(partner=partner, actor=finance_user)
    services.approve_batch(batch=batch, actor=second_finance)
    with django_capture_on_commit_callbacks(execute=execute):
        services.pay_batch(batch=batch, actor=finance_user)
    return batch


def test_paying_marks_every_entry_paid_once_makes_the_csv_and_tells_the_partner(
    partner, partner_admin, finance_user, second_finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = paying_batch(partner, finance_user, second_finance, 5, django_capture_on_commit_callbacks, True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID and batch.paid_at and batch.payment_reference
    assert set(batch.entries.values_list("status", flat=True)) == {"paid"}
    lines = batch.payout_file.strip().splitlines()
    assert lines[0].startswith("batch,partner_id") and len(lines) == 6
    assert DomainEvent.objects.filter(name="commission.payout.paid", object_id=batch.pk).count() == 1
    assert Notification.objects.filter(user=partner_admin, title__contains="$5.05").exists()
    with pytest.raises(TransitionNotAllowed):
        services.pay_batch(batch=batch, actor=finance_user)


class CountingBackend(CsvPayoutBackend):
    calls: dict = {}
    fail_after: int | None = None

    def pay_entries(self, *, batch, entry_ids):
        paid_so_far = sum(CountingBackend.calls.values())
        if CountingBackend.fail_after is not None and paid_so_far + len(entry_ids) > CountingBackend.fail_after:
            raise RuntimeError("worker killed")
        for pk in entry_ids:
            CountingBackend.calls[pk] = CountingBackend.calls.get(pk, 0) + 1


@override_settings(COMMISSION_PAYOUT_BACKEND="tests.commissions.test_payouts.CountingBackend")
def test_a_worker_killed_mid_batch_and_the_task_rerun_pays_every_entry_exactly_once(
    partner, finance_user, second_finance, django_capture_on_commit_callbacks
):
    CountingBackend.calls, CountingBackend.fail_after = {}, 6
    batch = paying_batch(partner, finance_user, second_finance, 10, django_capture_on_commit_callbacks)
    with pytest.raises(RuntimeError):
        services.run_payout(batch_id=batch.pk, chunk_size=3)
    assert batch.entries.filter(status="paid").count() == 6  # two chunks committed, the third rolled back
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAYING
    first_paid_at = dict(batch.entries.filter(status="paid").values_list("pk", "paid_at"))

    CountingBackend.fail_after = None
    from commissions.tasks import pay_payout_batch

    assert pay_payout_batch.apply(args=[batch.pk]).get() == "paid"
    assert pay_payout_batch.apply(args=[batch.pk]).get() == "paid"  # a third run changes nothing
    ids = set(batch.entries.values_list("pk", flat=True))
    assert CountingBackend.calls == {pk: 1 for pk in ids}
    assert set(batch.entries.values_list("status", flat=True)) == {"paid"}
    assert {pk: at for pk, at in batch.entries.values_list("pk", "paid_at") if pk in first_paid_at} == first_paid_at
    paid_rows = AuditEntry.objects.filter(action="paid", object_id__in=ids, content_type__model="commissionentry")
    assert paid_rows.count() == 10
    assert DomainEvent.objects.filter(name="commission.payout.paid").count() == 1


def test_the_monthly_job_batches_each_partner_and_currency(partner, other_partner):
    approved_entries(partner, 2)
    EntryFactory(partner=partner, status=EntryStatus.APPROVED, currency="EUR")
    approved_entries(other_partner, 1)
    from commissions.tasks import create_monthly_payout_batches

    assert len(create_monthly_payout_batches.apply().get()) == 3
    assert create_monthly_payout_batches.apply().get() == []
    assert PayoutBatch.objects.filter(created_by__isnull=True).count() == 3


# --- contests -----------------------------------------------------------------------------------------


def test_contest_winner_earns_the_bonus_on_its_commissions_of_the_period_once(program_admin):
    from commissions.rules import compute_entries_for_deals

    winner, runner_up = PartnerFactory(name="Winner"), PartnerFactory(name="Runner-up")  # Registered resellers: 30 %
    deals = [WonDealFactory(partner=winner, amount=D("60000.00"), close_date=date(2026, 8, d)) for d in (1, 2)]
    deals += [WonDealFactory(partner=winner, amount=D("1000.00"), close_date=date(2026, 8, 3))]  # small: counts 0
    deals += [WonDealFactory(partner=runner_up, amount=D("90000.00"), close_date=date(2026, 9, 1))]
    deals += [WonDealFactory(partner=runner_up, amount=D("90000.00"), close_date=date(2026, 10, 1))]  # next quarter
    compute_entries_for_deals([d.pk for d in deals])
    contest = services.create_contest(
        actor=program_admin, name="Q3 push", period="2026-Q3", min_deal_amount="50000", bonus_rate=D("0.05")
    )
    assert [row["deals"] for row in services.leaderboard(contest)] == [2, 1]
    with pytest.raises(Conflict):
        services.resolve_contest(contest_id=contest.pk, today=date(2026, 9, 30))
    services.resolve_contest(contest_id=contest.pk, today=date(2026, 10, 1))
    services.resolve_contest(contest_id=contest.pk, today=date(2026, 10, 2))
    bonus = CommissionEntry.objects.get(contest=contest)
    assert bonus.partner == winner and bonus.base_amount == D("36300.00") and bonus.amount == D("1815.00")
    assert bonus.earned_on == date(2026, 9, 30)


def test_tied_partners_all_win(program_admin):
    from commissions.rules import compute_entries_for_deals

    a, b, c = PartnerFactory(), PartnerFactory(), PartnerFactory()
    deals = [WonDealFactory(partner=p, amount=D("50000.00"), close_date=date(2026, 5, 5)) for p in (a, b)]
    compute_entries_for_deals([d.pk for d in deals])
    contest = services.create_contest(
        actor=program_admin, name="Tie", period="2026-05", min_deal_amount="50000", bonus_rate=D("0.05")
    )
    from commissions.tasks import resolve_due_contests

    with override_settings():
        services.resolve_contest(contest_id=contest.pk, today=date(2026, 6, 1))
    assert set(ContestWinner.objects.values_list("partner_id", flat=True)) == {a.pk, b.pk}
    assert set(CommissionEntry.objects.filter(contest=contest).values_list("amount", flat=True)) == {D("750.00")}
    assert c.pk not in CommissionEntry.objects.filter(contest=contest).values_list("partner_id", flat=True)
    assert resolve_due_contests.apply().get() == 0  # already resolved


def test_a_contest_with_no_qualifying_deal_has_no_winner(program_admin):
    contest = services.create_contest(
        actor=program_admin, name="Quiet", period="2025-Q1", min_deal_amount="50000", bonus_rate=D("0.05")
    )
    services.resolve_contest(contest_id=contest.pk, today=date(2026, 1, 1))
    contest.refresh_from_db()
    assert contest.status == "resolved" and not contest.winners.exists()


def test_partner_admin_owns_the_payout_notification_only(partner, other_partner):
    PartnerAdminFactory(partner=other_partner)
    assert not Notification.objects.exists()
