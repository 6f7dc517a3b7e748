"""Receipts' section of the organisation export (partners/data_export.py): the signed registration
receipts (the body and signature verify with the published keys)."""

from partners.data_export import DataSet, data_sets_section, register_section
from receipts.models import Receipt

RECEIPT_DATA_SETS = (
    DataSet("receipts.csv", Receipt, ("uuid", "deal_id", "kind", "body", "kid", "signature", "created_at")),
)

register_section("receipts", data_sets_section(*RECEIPT_DATA_SETS), order=70)
