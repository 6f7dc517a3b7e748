"""Disputes under concurrency (PostgreSQL): one dispute per decision, one decision per dispute, and a
reversal racing a new registration leaves exactly one holder of the customer."""

import threading

import pytest
from django.db import connections

from accounts.models import Role
from deals.models import DealRegistration
from disputes import services
from disputes.models import Dispute, DisputeStatus
from prm.exceptions import DomainError
from tests.disputes.factories import conflicting_registration, held_customer, open_dispute, publish_policy
from tests.factories import InternalUserFactory, PartnerAdminFactory, PartnerFactory, tier


def _run(*targets):
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def wrap(target):
        try:
            barrier.wait(timeout=30)
            results.append(target())
        except (DomainError, Exception) as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def _world():
    publish_policy()
    acme = PartnerFactory(tier=tier("Gold"))
    globex = PartnerFactory(tier=tier("Silver"))
    admin = PartnerAdminFactory(partner=acme)
    holder = held_customer(globex, domain="initech.example", name="Initech Corporation")
    deal = conflicting_registration(admin, holder)
    return admin, holder, deal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_disputes_of_one_decision_at_once_open_exactly_one():
    admin, _holder, deal = _world()
    _results, errors = _run(lambda: open_dispute(admin, deal), lambda: open_dispute(admin, deal, reason="Me too"))
    assert Dispute.objects.filter(deal=deal).count() == 1
    assert len(errors) == 1 and "deal" in errors[0].message_dict


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_uphold_and_reverse_at_once_decide_exactly_once():
    admin, holder, deal = _world()
    dispute = open_dispute(admin, deal)
    first = InternalUserFactory(role=Role.PROGRAM_ADMIN)
    second = InternalUserFactory(role=Role.PROGRAM_ADMIN)
    _results, errors = _run(
        lambda: services.uphold_dispute(dispute=dispute, actor=first, note="Stands."),
        lambda: services.reverse_dispute(dispute=dispute, actor=second),
    )
    assert len(errors) == 1
    dispute.refresh_from_db()
    assert dispute.status in (DisputeStatus.UPHELD, DisputeStatus.REVERSED)
    assert DealRegistration.objects.holding().filter(account=holder.account).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reversals_of_two_disputes_against_one_holder_leave_one_holder():
    admin, holder, deal = _world()
    other = PartnerAdminFactory(partner=PartnerFactory())
    second_deal = conflicting_registration(other, holder)
    first, second = open_dispute(admin, deal), open_dispute(other, second_deal)
    manager = InternalUserFactory(role=Role.PROGRAM_ADMIN)
    _results, errors = _run(
        lambda: services.reverse_dispute(dispute=first, actor=manager),
        lambda: services.reverse_dispute(dispute=second, actor=manager),
    )
    # Both may succeed one after the other (the second demotes the first's new holder), never both at once.
    assert DealRegistration.objects.holding().filter(account=holder.account).count() == 1
    assert all(isinstance(e, DomainError) for e in errors), errors
