"""Rule 7: however many registrations race for one customer, exactly one holds it (PostgreSQL)."""

import threading
from collections import Counter

import pytest
from django.db import connections

from deals import services
from deals.models import DealRegistration, DealStatus
from tests.deals.factories import registration_kwargs
from tests.factories import PartnerFactory, UserFactory

THREADS = 24


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_four_partners_racing_for_one_customer_leave_exactly_one_holder():
    users = [UserFactory(partner=PartnerFactory()) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def race(user, index):
        try:
            barrier.wait(timeout=30)
            # Same customer spelled differently each time: matching and the key locks must both hold.
            name = ["Initech Corporation", "INITECH corp.", "Initech, Inc.", "initech"][index % 4]
            services.register_deal(user=user, **registration_kwargs(customer_name=name))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(user, i)) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    outcomes = Counter(DealRegistration.objects.values_list("status", "reason"))
    assert outcomes[(DealStatus.SUBMITTED, "")] == 1
    assert outcomes[(DealStatus.REJECTED, "conflict")] == THREADS - 1
    assert DealRegistration.objects.holding().count() == 1
    assert DealRegistration.objects.values("account_id").distinct().count() == 1
