"""Commissions' section of the organisation export (partners/data_export.py): entries and statements."""

from commissions.models import CommissionEntry, PayoutBatch
from partners.data_export import DataSet, data_sets_section, register_section

COMMISSION_DATA_SETS = (
    DataSet(
        "commission_entries.csv",
        CommissionEntry,
        (
            "id",
            "deal_id",
            "kind",
            "status",
            "rule__name",
            "spiff__name",
            "contest__name",
            "original_id",
            "cycle",
            "period_key",
            "earned_on",
            "base_amount",
            "rate",
            "amount",
            "currency",
            "description",
            "reason",
            "batch_id",
            "approved_at",
            "paid_at",
            "created_at",
        ),
    ),
    DataSet(
        "commission_statements.csv",
        PayoutBatch,
        ("id", "status", "total", "currency", "approved_at", "paid_at", "payment_reference", "created_at"),
    ),
)

register_section("commissions", data_sets_section(*COMMISSION_DATA_SETS), order=50)
