"""MDF ledger lines: the machine `reference` ("request:9", "deal.won:12") is shown as a sentence in the reader's
language (docs/i18n.md)."""

import pytest
from django.utils import translation

from mdf.models import EntryKind, FundEntry


def line(**fields):
    return FundEntry(kind=fields.pop("kind", EntryKind.COMMITMENT), **fields)


def test_a_commitment_names_its_request_not_its_key():
    entry = line(reference="request:9", request_id=9)
    with translation.override("en"):
        assert entry.shown_reference == "MDF request 9"
    with translation.override("de"):
        assert entry.shown_reference == "MDF-Antrag 9"


def test_a_release_on_payment_and_a_payment_read_as_sentences():
    release = line(kind=EntryKind.RELEASE, reference="claim:4 paid", request_id=9)
    payment = line(kind=EntryKind.PAYMENT, reference="PAY-77", request_id=9, claim_id=4)
    with translation.override("es"):
        assert release.shown_reference == "Liberado al pagar la reclamación 4 (solicitud 9)"
        assert payment.shown_reference == "Reclamación 4 pagada, referencia PAY-77"


@pytest.mark.parametrize(("reference", "english"), [("allocation", "Allocation"), ("expiry", "Expired funds")])
def test_fund_movements_without_links_have_labels(reference, english):
    with translation.override("en"):
        assert line(reference=reference).shown_reference == english


def test_an_accrual_names_its_deal():
    with translation.override("en"):
        assert line(kind=EntryKind.ACCRUAL, reference="deal.won:12", deal_id=31).shown_reference == "Deal 31"
