"""seed_demo adds direct accounts and deals in every state, and running it again adds nothing."""

import io

import pytest
from django.core.management import call_command

from deals.models import Account, DealRegistration, Lead

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def seed():
    call_command(
        "seed_demo", partners=12, password="Demo-pass-12345", seed=7, stdout=io.StringIO(), stderr=io.StringIO()
    )


def test_demo_has_deals_in_every_state_and_is_idempotent():
    seed()
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
    before = (DealRegistration.objects.count(), Account.objects.count(), Lead.objects.count())
    seed()
    assert (DealRegistration.objects.count(), Account.objects.count(), Lead.objects.count()) == before
