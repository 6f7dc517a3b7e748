"""The status badge tag renders each app's colour table; private_upload_to builds the private paths."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from commissions.models import CommissionEntry, PayoutBatch
from deals.models import DealRegistration
from disputes.models import Dispute
from mdf.models import MdfClaim, MdfRequest, ProofFile, proof_upload_to
from prm import badges
from prm.models import private_upload_to


def render(obj) -> str:
    return Template("{% load badges %}{% status_badge obj %}").render(Context({"obj": obj}))


@pytest.mark.parametrize(
    ("model", "status", "html"),
    [
        (DealRegistration, "won", '<span class="badge text-bg-success" data-testid="deal-status">Won</span>'),
        (DealRegistration, "draft", '<span class="badge text-bg-info" data-testid="deal-status">Draft</span>'),
        (
            DealRegistration,
            "pending_review",
            '<span class="badge text-bg-warning" data-testid="deal-status">Pending review</span>',
        ),
        (
            MdfClaim,
            "info_requested",
            '<span class="badge text-bg-warning" data-testid="mdf-status">Information requested</span>',
        ),
        (MdfRequest, "lapsed", '<span class="badge text-bg-secondary" data-testid="mdf-status">Lapsed</span>'),
        (Dispute, "open", '<span class="badge text-bg-warning" data-testid="dispute-status">Open</span>'),
        (Dispute, "upheld", '<span class="badge text-bg-secondary" data-testid="dispute-status">Upheld</span>'),
        (CommissionEntry, "batched", '<span class="badge commission-batched">Batched</span>'),
        (PayoutBatch, "paying", '<span class="badge commission-paying">Paying</span>'),
    ],
)
def test_status_badge_uses_the_apps_colour_table(model, status, html):
    assert render(model(status=status)) == html


def test_an_unregistered_object_has_no_badge():
    with pytest.raises(LookupError):
        badges.badge_for(SimpleNamespace(status="open"))


def test_private_upload_to_files_by_month_and_partner():
    proof = ProofFile(claim=MdfClaim(partner_id=7))
    path = proof_upload_to(proof, "invoice.pdf")
    assert path.startswith("mdf/proofs/") and "/7/" in path and path.endswith("-invoice.pdf")
    assert private_upload_to("mdf/proofs", "claim.partner_id") == proof_upload_to
    assert proof_upload_to.deconstruct()[0] == "prm.models.private_upload_to"
