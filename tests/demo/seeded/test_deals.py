"""seed_demo adds direct accounts and deals in every state, and running it again adds nothing."""

import pytest

from deals.models import Account, DealRegistration, Lead
from tests.demo.seeding import SEED_TIMEOUT

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]


def test_demo_has_deals_in_every_state_and_is_idempotent(seeded):
    states = set(DealRegistration.objects.values_list("status", "reason"))
    for expected in [
        ("submitted", ""),
        ("approved", ""),
        ("won", ""),
        ("lost", ""),
        ("expired", ""),
        ("rejected", "conflict"),
        ("rejected", "duplicate"),
        ("pending_review", "direct_account"),
    ]:
        assert expected in states, expected
    assert Account.objects.filter(kind="direct_customer").exists()
    assert DealRegistration.objects.filter(extension_status="requested").exists()
    assert Lead.objects.filter(status="assigned").exists()
    assert seeded.again["deals"] == seeded.first["deals"]
