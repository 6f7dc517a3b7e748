"""A payout backend for the fault tests: the default CSV backend, slowed down so a worker can be killed
while a batch is being paid (COMMISSION_PAYOUT_BACKEND=tests.faults.payout_backend.SlowCsvPayoutBackend).

It is selected by the portal's ordinary backend setting, so no test hook lives in the product code.
"""

import os
import time

from commissions.payouts import CsvPayoutBackend


class SlowCsvPayoutBackend(CsvPayoutBackend):
    def pay_entries(self, *, batch, entry_ids: list[int]) -> None:
        # Inside the chunk's transaction, like a real payment call: a kill here rolls the chunk back.
        time.sleep(float(os.environ.get("FAULTS_PAY_SECONDS_PER_CHUNK", "0.5")))
        super().pay_entries(batch=batch, entry_ids=entry_ids)
