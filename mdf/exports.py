"""MDF's sections of the organisation export (partners/data_export.py): funds, ledger, requests, claims,
the proof files' list and the proof files themselves (up to ORG_EXPORT_MAX_FILE_BYTES in total, default
50 MB; the rest are only listed, and the README says so)."""

from django.conf import settings
from django.utils.text import slugify

from mdf.models import Fund, FundEntry, MdfClaim, MdfRequest, ProofFile
from mdf.serializers import CLAIM_FIGURES, FUND_FIGURES, REQUEST_FIGURES
from partners.data_export import DataSet, Export, data_sets_section, register_section

DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024

MDF_DATA_SETS = (
    DataSet(
        "mdf_funds.csv",
        Fund,
        (
            "id",
            "period",
            "period_start",
            "period_end",
            "expires_at",
            "currency",
            "status",
            *FUND_FIGURES,
            "created_at",
        ),
    ),
    DataSet(
        "mdf_fund_entries.csv",
        FundEntry,
        (
            "id",
            "fund_id",
            "kind",
            "amount",
            "currency",
            "reference",
            "note",
            "deal_id",
            "request_id",
            "claim_id",
            "created_by__email",
            "created_at",
        ),
    ),
    DataSet(
        "mdf_requests.csv",
        MdfRequest,
        (
            "id",
            "activity_type__name",
            "title",
            "description",
            *REQUEST_FIGURES,
            "status",
            "decision_reason",
            "requested_by__email",
            "decided_at",
            "created_at",
        ),
    ),
    DataSet(
        "mdf_claims.csv",
        MdfClaim,
        (
            "id",
            "request_id",
            *CLAIM_FIGURES,
            "status",
            "decision_reason",
            "payment_reference",
            "submitted_by__email",
            "decided_at",
            "paid_at",
            "created_at",
        ),
    ),
    DataSet(
        "mdf_proof_files.csv",
        ProofFile,
        ("id", "claim_id", "name", "content_type", "size", "uploaded_by__email", "created_at"),
    ),
)


def _proof_files(export: Export) -> None:
    included, skipped = _add_proof_files(export.archive, export.scoped(ProofFile))
    export.counts["files/mdf_proofs"] = included
    export.skipped_files += skipped


def _add_proof_files(archive, proof_files) -> tuple[int, int]:
    budget = getattr(settings, "ORG_EXPORT_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)
    included = skipped = 0
    for proof in proof_files.order_by("pk").iterator(500):
        if not proof.file or proof.size > budget:
            skipped += 1
            continue
        try:
            with proof.file.open("rb") as handle:
                data = handle.read(budget + 1)
        except OSError:  # the file vanished from storage: listed in the CSV, not in the ZIP
            skipped += 1
            continue
        if len(data) > budget:
            skipped += 1
            continue
        budget -= len(data)
        safe_name = slugify(proof.name.rsplit(".", 1)[0]) or "file"
        extension = proof.name.rsplit(".", 1)[1].lower() if "." in proof.name else "bin"
        archive.writestr(f"files/mdf_proofs/claim-{proof.claim_id}/{proof.pk}-{safe_name}.{slugify(extension)}", data)
        included += 1
    return included, skipped


register_section("mdf", data_sets_section(*MDF_DATA_SETS), order=40)
register_section("mdf.proof_files", _proof_files, order=95)
