"""seed_demo gives the demo partner accrued MDF, requests and claims in every state; a rerun adds nothing."""

import io

import pytest
from django.core.management import call_command

from mdf import selectors
from mdf.models import ClaimStatus, EntryKind, Fund, FundEntry, FundStatus, MdfClaim, MdfRequest, RequestStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def seed(capture):
    # Later demos mark deals won through the deals service: their deal.won events accrue after commit.
    with capture(execute=True):
        _call()


def _call():
    call_command(
        "seed_demo", partners=12, password="Demo-pass-12345", seed=7, stdout=io.StringIO(), stderr=io.StringIO()
    )


def test_demo_has_mdf_in_every_state_and_is_idempotent(django_capture_on_commit_callbacks):
    seed(django_capture_on_commit_callbacks)
    assert set(MdfRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert set(MdfClaim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert FundEntry.objects.filter(kind=EntryKind.ACCRUAL).exists()
    assert Fund.objects.filter(status=FundStatus.EXPIRED).exists()
    acme = Fund.objects.filter(partner__name="Acme Cloud Partners")
    assert acme.exists() and sum(f.accrued for f in acme) > 0
    counts = (Fund.objects.count(), FundEntry.objects.count(), MdfRequest.objects.count(), MdfClaim.objects.count())
    figures = selectors.ledger_figures(Fund.objects.values_list("pk", flat=True))
    for fund in Fund.objects.all():
        assert figures[fund.pk]["available"] == fund.available >= 0
    seed(django_capture_on_commit_callbacks)
    assert (
        Fund.objects.count(),
        FundEntry.objects.count(),
        MdfRequest.objects.count(),
        MdfClaim.objects.count(),
    ) == counts
