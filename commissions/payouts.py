"""Pluggable payout backends (settings.COMMISSION_PAYOUT_BACKEND).

The payout task claims entries chunk by chunk with a conditional UPDATE and calls `pay_entries` inside
the same transaction, so a backend that fails leaves that chunk unpaid for the rerun, and an entry is
handed to the backend exactly once. `finish` runs once, when every entry of the batch is paid.
"""

import csv
import io

from django.conf import settings
from django.utils.module_loading import import_string


class PayoutBackend:
    def pay_entries(self, *, batch, entry_ids: list[int]) -> None:
        """Pay (or record for payment) these entries of the batch; raise to leave them unpaid."""

    def finish(self, *, batch) -> tuple[str, str]:
        """Return (payment reference, file the accounts-payable system imports) for the paid batch."""
        raise NotImplementedError


class CsvPayoutBackend(PayoutBackend):
    """Default: the claim marks entries paid; the result is a CSV of payments for accounts payable."""

    COLUMNS = ["batch", "partner_id", "partner", "entry", "deal", "kind", "amount", "currency", "paid_at"]

    def finish(self, *, batch) -> tuple[str, str]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.COLUMNS)
        rows = batch.entries.order_by("pk").values_list("pk", "deal_id", "kind", "amount", "currency", "paid_at")
        name = batch.partner.name
        if name[:1] in ("=", "+", "-", "@"):
            name = "'" + name  # never a formula in a spreadsheet
        for pk, deal_id, kind, amount, currency, paid_at in rows.iterator(chunk_size=5000):
            writer.writerow(
                [batch.pk, batch.partner_id, name, pk, deal_id or "", kind, amount, currency, paid_at.isoformat()]
            )
        return f"AP-{batch.pk:08d}", out.getvalue()


def get_backend() -> PayoutBackend:
    return import_string(settings.COMMISSION_PAYOUT_BACKEND)()
