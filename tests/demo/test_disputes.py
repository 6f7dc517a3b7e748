"""The disputes demo: one open and one reversed dispute for Acme, and running it again adds nothing."""

import io

import pytest

from accounts.models import Role
from deals.models import DealReason, DealStatus
from demo import disputes as disputes_demo
from disputes.models import Dispute, DisputeStatus
from tests.factories import InternalUserFactory, PartnerAdminFactory, PartnerFactory, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_partners(db):
    manager = InternalUserFactory(role=Role.CHANNEL_MANAGER, email="manager@example.com")
    acme = PartnerFactory(name="Acme Cloud Partners", external_crm_id="DEMO-ACME", tier=tier("Gold"))
    acme.channel_manager = manager
    acme.save(update_fields=["channel_manager"])
    globex = PartnerFactory(name="Globex Integrators", external_crm_id="DEMO-GLOBEX", country="DE")
    PartnerAdminFactory(partner=acme, email="alice@acme.example")
    PartnerAdminFactory(partner=globex, email="carol@globex.example")
    return acme, globex


def test_demo_has_an_open_and_a_reversed_dispute_and_is_idempotent(fixed_partners, django_capture_on_commit_callbacks):
    acme, globex = fixed_partners
    with django_capture_on_commit_callbacks(execute=True):
        disputes_demo.seed(seed=1, partners=0, stdout=io.StringIO())
    assert set(Dispute.objects.filter(partner=acme).values_list("status", flat=True)) == {
        DisputeStatus.OPEN,
        DisputeStatus.REVERSED,
    }
    reversed_dispute = Dispute.objects.get(status=DisputeStatus.REVERSED)
    assert reversed_dispute.deal.status == DealStatus.APPROVED
    assert reversed_dispute.holder.partner == globex
    assert reversed_dispute.holder.reason == DealReason.DISPUTE_REVERSED
    assert all(d.files.count() == 1 for d in Dispute.objects.all())
    disputes_demo.seed(seed=1, partners=0, stdout=io.StringIO())
    assert Dispute.objects.count() == 2


def test_demo_skips_without_the_fixed_partners(db):
    out = io.StringIO()
    disputes_demo.seed(seed=1, partners=0, stdout=out)
    assert "skipped" in out.getvalue()
