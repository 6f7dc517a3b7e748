"""seed_demo adds a spiff, a contest, ledger entries in every state and paid batches; a rerun adds nothing."""

import pytest

from accounts.models import User
from commissions.models import CommissionEntry, Contest, EntryKind, PayoutBatch, Spiff
from commissions.selectors import earnings
from prm.models import AuditEntry
from tests.demo.seeding import SEED_TIMEOUT

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]


def test_demo_has_entries_in_every_state_paid_batches_and_is_idempotent(seeded):
    statuses = set(CommissionEntry.objects.values_list("status", flat=True))
    assert statuses == {"pending", "approved", "batched", "paid"}
    kinds = set(CommissionEntry.objects.values_list("kind", flat=True))
    assert {EntryKind.COMMISSION, EntryKind.CLAWBACK, EntryKind.ADJUSTMENT} <= kinds
    paid = PayoutBatch.objects.filter(status="paid").select_related("created_by", "approved_by")
    assert paid.exists()
    for batch in paid:
        assert batch.created_by.email == "finance@example.com" and batch.approved_by.email == "finance2@example.com"
        assert batch.payment_reference and batch.payout_file and not batch.entries.exclude(status="paid").exists()
    assert {"draft", "approved", "paid"} <= set(PayoutBatch.objects.values_list("status", flat=True))
    assert Spiff.objects.filter(active=True).exists() and Contest.objects.filter(status="open").exists()

    alice = User.objects.get(email="alice@acme.example")
    figures = earnings(alice)
    acme = CommissionEntry.objects.filter(partner=alice.partner)
    assert {"pending", "approved", "paid"} <= set(acme.values_list("status", flat=True)), figures
    assert PayoutBatch.objects.filter(partner=alice.partner, status="paid").exists()

    assert seeded.again["commissions"] == seeded.first["commissions"]
    rerun_audit = AuditEntry.objects.filter(content_type__app_label="commissions", pk__gt=seeded.last_audit)
    assert not rerun_audit.exists()
