"""seed_demo adds a spiff, a contest, ledger entries in every state and paid batches; a rerun adds nothing."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from commissions.models import CommissionEntry, Contest, EntryKind, PayoutBatch, Spiff
from commissions.selectors import earnings
from prm.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def seed(capture):
    with capture(execute=True):
        call_command(
            "seed_demo", partners=12, password="Demo-pass-12345", seed=7, stdout=io.StringIO(), stderr=io.StringIO()
        )


def counts():
    return (
        CommissionEntry.objects.count(),
        PayoutBatch.objects.count(),
        Spiff.objects.count(),
        Contest.objects.count(),
        sorted(CommissionEntry.objects.values_list("status", flat=True)),
        sorted(PayoutBatch.objects.values_list("status", flat=True)),
    )


def test_demo_has_entries_in_every_state_paid_batches_and_is_idempotent(django_capture_on_commit_callbacks):
    seed(django_capture_on_commit_callbacks)
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

    before = counts()
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    seed(django_capture_on_commit_callbacks)
    assert counts() == before
    assert not AuditEntry.objects.filter(content_type__app_label="commissions", pk__gt=last_audit).exists()
