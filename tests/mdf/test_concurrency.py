"""Parallel approvals that together exceed the funds: at most the funds are committed (PostgreSQL, threads)."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections

from accounts.models import Role
from mdf import services
from mdf.models import EntryKind, Fund, FundEntry, MdfRequest, RequestStatus
from prm.exceptions import DomainError
from tests.factories import InternalUserFactory, PartnerAdminFactory, PartnerFactory, tier
from tests.mdf.factories import ActivityTypeFactory, allocate, request_data
from tests.mdf.test_ledger import assert_ledger_matches

THREADS = 12


def race(targets, work):
    barrier = threading.Barrier(len(targets))
    outcomes, errors = [], []

    def run(target):
        try:
            barrier.wait(timeout=30)
            outcomes.append(work(target))
        except DomainError as refused:  # 409s: insufficient funds, or already paid
            outcomes.append(refused.code)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_approvals_never_commit_more_than_the_funds_hold():
    partner = PartnerFactory(tier=tier("Gold"))
    manager = InternalUserFactory(role=Role.CHANNEL_MANAGER)
    admin = PartnerAdminFactory(partner=partner)
    older = allocate(partner, "2500")  # the current period's fund expires first
    activity = ActivityTypeFactory()
    requests = [
        services.submit_request(
            user=admin, **request_data(activity, total_cost=Decimal("2000"), requested_amount=Decimal("1000"))
        )
        for _ in range(THREADS)
    ]
    next_period = services.period_of(older.period_end + timedelta(days=1)).key
    newer = services.allocate_funds(
        partner=partner,
        actor=InternalUserFactory(role=Role.PROGRAM_ADMIN),
        amount="3000",
        reason="Q+1",
        period=next_period,
    ).fund
    # 5,500 in all across two funds: five approvals of 1,000 fit, seven must be refused.

    outcomes = race(requests, lambda r: services.approve_request(mdf_request=r, actor=manager).status)

    assert outcomes.count(RequestStatus.APPROVED) == 5
    assert outcomes.count("insufficient_funds") == THREADS - 5
    committed = sum(f.committed for f in Fund.objects.filter(partner=partner))
    assert committed == Decimal("5000.00")
    assert all(f.available >= 0 for f in Fund.objects.filter(partner=partner))
    assert sum(e.amount for e in FundEntry.objects.filter(kind=EntryKind.COMMITMENT)) == Decimal("5000.00")
    assert MdfRequest.objects.filter(status=RequestStatus.APPROVED).count() == 5
    for fund in (older, newer):
        assert_ledger_matches(fund)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_payments_of_one_claim_pay_it_once():
    from tests.mdf.factories import approved_request, submitted_claim

    partner = PartnerFactory(tier=tier("Gold"))
    finance = InternalUserFactory(role=Role.FINANCE)
    allocate(partner, "5000")
    claim = submitted_claim(approved_request(partner))
    services.approve_claim(claim=claim, actor=finance)
    outcomes = race([claim] * 6, lambda c: services.pay_claim(claim=c, actor=finance, payment_reference="WIRE").status)
    assert outcomes.count("paid") == 1 and len(outcomes) == 6
    assert FundEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
