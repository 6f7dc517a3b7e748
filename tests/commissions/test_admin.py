"""The admin lists every commissions model; the ledger and payout batches are read-only there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from commissions.models import CommissionEntry, CommissionRule, PayoutBatch
from tests.commissions.factories import EntryFactory, RuleFactory, SpiffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(program_admin):
    program_admin.is_staff = program_admin.is_superuser = True
    program_admin.save()
    return program_admin


def test_every_model_has_a_changelist(client_for, superuser):
    RuleFactory()
    SpiffFactory()
    EntryFactory()
    client = client_for(superuser)
    for model in [
        "commissionplan",
        "commissionrule",
        "spiff",
        "contest",
        "contestwinner",
        "commissionentry",
        "payoutbatch",
    ]:
        assert client.get(reverse(f"admin:commissions_{model}_changelist")).status_code == 200, model


def test_ledger_entries_cannot_be_changed_or_deleted(rf, client_for, superuser):
    entry = EntryFactory()
    request = rf.get("/")
    request.user = superuser
    entry_admin = admin.site._registry[CommissionEntry]
    assert not entry_admin.has_change_permission(request, entry)
    assert not entry_admin.has_delete_permission(request, entry)
    assert not entry_admin.has_add_permission(request)
    assert not admin.site._registry[PayoutBatch].has_change_permission(request)
    client = client_for(superuser)
    assert client.get(reverse("admin:commissions_commissionentry_change", args=[entry.pk])).status_code == 200
    response = client.post(reverse("admin:commissions_commissionentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403 and CommissionEntry.objects.filter(pk=entry.pk).exists()


def test_a_rules_terms_are_read_only_once_it_exists(rf, superuser):
    rule = RuleFactory()
    request = rf.get("/")
    request.user = superuser
    readonly = admin.site._registry[CommissionRule].get_readonly_fields(request, rule)
    assert "rate" in readonly and "valid_from" in readonly and "valid_to" not in readonly
