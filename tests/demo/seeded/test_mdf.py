"""seed_demo gives the demo partner accrued MDF, requests and claims in every state; a rerun adds nothing."""

import pytest

from mdf import selectors
from mdf.models import ClaimStatus, EntryKind, Fund, FundEntry, FundStatus, MdfClaim, MdfRequest, RequestStatus
from tests.demo.seeding import SEED_TIMEOUT

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]


def test_demo_has_mdf_in_every_state_and_is_idempotent(seeded):
    assert set(MdfRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert set(MdfClaim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert FundEntry.objects.filter(kind=EntryKind.ACCRUAL).exists()
    assert Fund.objects.filter(status=FundStatus.EXPIRED).exists()
    acme = Fund.objects.filter(partner__name="Acme Cloud Partners")
    assert acme.exists() and sum(f.accrued for f in acme) > 0
    figures = selectors.ledger_figures(Fund.objects.values_list("pk", flat=True))
    for fund in Fund.objects.all():
        assert figures[fund.pk]["available"] == fund.available >= 0
    assert seeded.again["mdf"] == seeded.first["mdf"]
