"""Disputes' section of the organisation export (partners/data_export.py)."""

from disputes.models import Dispute
from partners.data_export import DataSet, data_sets_section, register_section

DISPUTE_DATA_SETS = (
    DataSet(
        "disputes.csv",
        Dispute,
        ("id", "deal_id", "opened_by__email", "reason", "status", "opened_at", "due_at", "decided_at", "decision_note"),
    ),
)

register_section("disputes", data_sets_section(*DISPUTE_DATA_SETS), order=75)
