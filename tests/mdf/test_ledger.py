"""Funds and ledger: accruals from won deals, reversal, allocation, expiry and reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from deals import services as deal_services
from mdf import selectors, services, tasks
from mdf.models import EntryKind, Fund, FundEntry, FundStatus
from prm.models import AuditEntry, DomainEvent, Notification
from tests.deals.factories import DealFactory
from tests.factories import PartnerFactory, tier
from tests.mdf.factories import MarketingUserFactory, allocate, approved_request

pytestmark = pytest.mark.django_db


def win(deal, manager, amount, capture):
    with capture(execute=True):
        deal_services.mark_won(deal=deal, actor=manager, amount=Decimal(amount), close_date=timezone.localdate())
    deal.refresh_from_db()
    return deal


def assert_ledger_matches(fund):
    fund.refresh_from_db()
    sums = selectors.ledger_figures([fund.pk])[fund.pk]
    for name, value in sums.items():
        assert getattr(fund, name) == value, name


def test_gold_partner_accrues_three_percent_of_a_won_deal_rounded_half_up(
    partner, channel_manager, django_capture_on_commit_callbacks
):
    deal = DealFactory(partner=partner, amount=Decimal("10000.50"))
    win(deal, channel_manager, "10000.50", django_capture_on_commit_callbacks)  # 300.015 -> 300.02
    fund = Fund.objects.get(partner=partner)
    assert fund.accrued == Decimal("300.02") and fund.available == Decimal("300.02")
    assert fund.period == services.period_of(timezone.localdate()).key
    entry = fund.entries.get()
    assert (entry.kind, entry.deal_id, entry.amount) == (EntryKind.ACCRUAL, deal.pk, Decimal("300.02"))
    assert_ledger_matches(fund)


def test_platinum_accrues_five_percent_and_silver_nothing(channel_manager, django_capture_on_commit_callbacks):
    platinum = PartnerFactory(tier=tier("Platinum"))
    silver = PartnerFactory(tier=tier("Silver"))
    win(DealFactory(partner=platinum), channel_manager, "20000", django_capture_on_commit_callbacks)
    win(DealFactory(partner=silver), channel_manager, "20000", django_capture_on_commit_callbacks)
    assert Fund.objects.get(partner=platinum).accrued == Decimal("1000.00")
    assert not Fund.objects.filter(partner=silver).exists()


def test_accrual_runs_once_per_event_even_if_redelivered(partner, channel_manager, django_capture_on_commit_callbacks):
    deal = win(DealFactory(partner=partner), channel_manager, "1000", django_capture_on_commit_callbacks)
    event = DomainEvent.objects.get(name="deal.won", object_id=deal.pk)
    services.accrue_for_won_deal(event=event)
    assert FundEntry.objects.filter(kind=EntryKind.ACCRUAL).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        FundEntry.objects.create(
            fund=Fund.objects.get(), kind=EntryKind.ACCRUAL, amount=1, reference=f"deal.won:{event.pk}"
        )


def test_reopened_deal_reverses_its_accrual_with_a_new_entry(
    partner, channel_manager, django_capture_on_commit_callbacks
):
    deal = win(DealFactory(partner=partner), channel_manager, "10000", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.reopen_deal(deal=deal, actor=channel_manager, reason="Customer cancelled")
    fund = Fund.objects.get(partner=partner)
    kinds = list(fund.entries.order_by("id").values_list("kind", "amount"))
    assert kinds == [(EntryKind.ACCRUAL, Decimal("300.00")), (EntryKind.ACCRUAL_REVERSAL, Decimal("300.00"))]
    assert fund.accrued == 0 and fund.available == 0
    assert_ledger_matches(fund)


def test_reversal_never_overdraws_committed_money_and_tells_finance(
    partner, channel_manager, finance_user, django_capture_on_commit_callbacks
):
    deal = win(DealFactory(partner=partner), channel_manager, "10000", django_capture_on_commit_callbacks)
    approved_request(partner, manager=channel_manager, total_cost=Decimal("500"), requested_amount=Decimal("250"))
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.reopen_deal(deal=deal, actor=channel_manager, reason="Cancelled")
    fund = Fund.objects.get(partner=partner)
    assert fund.available == 0 and fund.committed == Decimal("250.00")
    assert fund.entries.get(kind=EntryKind.ACCRUAL_REVERSAL).amount == Decimal("50.00")
    assert Notification.objects.filter(user=finance_user, title__contains="short by $250.00").exists()
    assert_ledger_matches(fund)


def test_a_reversal_takes_back_the_full_accrual_and_the_committed_part_is_owed_then_recovered(
    partner, channel_manager, program_admin, django_capture_on_commit_callbacks
):
    # Gold: 3 % of 10,000 = 300.00 accrued; 250.00 of it committed to an approved request.
    deal = win(DealFactory(partner=partner), channel_manager, "10000", django_capture_on_commit_callbacks)
    approved_request(partner, manager=channel_manager, total_cost=Decimal("500"), requested_amount=Decimal("250"))
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.reopen_deal(deal=deal, actor=channel_manager, reason="Cancelled")
    fund = Fund.objects.get(partner=partner)
    reversal = dict(fund.entries.filter(deal=deal).exclude(kind=EntryKind.ACCRUAL).values_list("kind", "amount"))
    # The whole 300.00 is reversed: 50.00 taken from what was available, 250.00 owed by the fund.
    assert reversal == {EntryKind.ACCRUAL_REVERSAL: Decimal("50.00"), EntryKind.RECOVERY_OWED: Decimal("250.00")}
    assert (fund.accrued, fund.available, fund.committed, fund.recovery_owed) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("250.00"),
        Decimal("250.00"),
    )
    assert_ledger_matches(fund)
    # Money added to the fund later settles the debt first: 100.00 allocated -> 100.00 recovered.
    services.allocate_funds(partner=partner, actor=program_admin, amount="100", reason="Top-up")
    fund.refresh_from_db()
    assert (fund.available, fund.recovery_owed) == (Decimal("0.00"), Decimal("150.00"))
    assert fund.entries.get(kind=EntryKind.RECOVERY).amount == Decimal("100.00")
    assert_ledger_matches(fund)
    # A replayed reopen event reverses nothing more.
    event = DomainEvent.objects.get(name="deal.reopened", object_id=deal.pk)
    assert services.reverse_deal_accrual(event=event) == []


def test_program_admin_allocates_with_a_reason_and_it_is_audited(partner, program_admin, partner_admin):
    entry = services.allocate_funds(partner=partner, actor=program_admin, amount="750", reason="Launch")
    assert entry.kind == EntryKind.ALLOCATION and entry.fund.allocated == Decimal("750.00")
    assert AuditEntry.objects.filter(action="allocate", reason="Launch", partner_id=partner.pk).exists()
    with pytest.raises(ValidationError) as error:
        services.allocate_funds(partner=partner, actor=program_admin, amount="750", reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.allocate_funds(partner=partner, actor=partner_admin, amount="750", reason="Self-service")


def test_the_database_refuses_a_negative_available(partner):
    fund = allocate(partner, "100")
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(available=-1, committed=101)


def test_expiry_is_idempotent_one_entry_per_fund(partner):
    fund = allocate(partner, "400")
    approved_request(partner, total_cost=Decimal("300"), requested_amount=Decimal("150"))
    later = fund.expires_at + timedelta(days=1)
    assert services.expire_fund(fund_id=fund.pk, today=fund.expires_at) is None  # not yet
    services.expire_fund(fund_id=fund.pk, today=later)
    services.expire_fund(fund_id=fund.pk, today=later)
    fund.refresh_from_db()
    assert fund.status == FundStatus.EXPIRED
    assert fund.entries.filter(kind=EntryKind.EXPIRY).count() == 1
    assert (fund.expired, fund.available, fund.committed) == (Decimal("250.00"), 0, Decimal("150.00"))
    assert_ledger_matches(fund)


def test_expiry_date_is_ninety_days_after_the_period(partner, settings):
    fund = allocate(partner, "1")
    assert fund.expires_at == fund.period_end + timedelta(days=settings.MDF_FUND_EXPIRY_DAYS)


def test_expiry_task_and_reminder_task_run_once(partner, django_capture_on_commit_callbacks):
    marketer = MarketingUserFactory(partner=partner)
    fund = allocate(partner, "400")
    Fund.objects.filter(pk=fund.pk).update(expires_at=timezone.localdate() + timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_fund_expiry_reminders() == 1
        assert tasks.send_fund_expiry_reminders() == 0
    assert Notification.objects.filter(user=marketer, title__contains="expires on").count() == 1
    Fund.objects.filter(pk=fund.pk).update(expires_at=timezone.localdate() - timedelta(days=1))
    tasks.expire_funds()
    tasks.expire_funds()
    assert FundEntry.objects.filter(kind=EntryKind.EXPIRY).count() == 1


def test_committed_money_released_into_an_expired_fund_expires_too(partner, finance_user):
    from tests.mdf.factories import submitted_claim

    fund = allocate(partner, "1000")
    mdf_request = approved_request(partner, total_cost=Decimal("2000"), requested_amount=Decimal("1000"))
    services.expire_fund(fund_id=fund.pk, today=fund.expires_at + timedelta(days=1))
    claim = submitted_claim(mdf_request, claimed="600.00", actual="1200.00")
    services.approve_claim(claim=claim, actor=finance_user)
    services.pay_claim(claim=claim, actor=finance_user, payment_reference="PAY-1")
    fund.refresh_from_db()
    assert (fund.paid, fund.committed, fund.available) == (Decimal("600.00"), 0, 0)
    assert fund.expired == Decimal("1000.00") - Decimal("600.00")
    assert_ledger_matches(fund)
