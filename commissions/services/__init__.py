"""Every write of the commissions app (docs/architecture.md: services), one module per aggregate: ledger
entries, payout batches, contests, plans and spiffs. The names below are what views, the API, events and tasks
call."""

from commissions.services.batches import (
    approve_batch,
    create_monthly_payout_batches,
    create_payout_batch,
    pay_batch,
    run_payout,
    stalled_payouts,
    submit_batch,
)
from commissions.services.contests import (
    contest_unconverted,
    contests_due,
    create_contest,
    leaderboard,
    resolve_contest,
    update_contest,
)
from commissions.services.entries import (
    accrue_recurring,
    add_adjustment,
    approve_entries,
    approve_entry,
    claw_back_deal,
    reconsider_spiffs,
    record_won_deal,
)
from commissions.services.plans import change_rule_rate, save_spiff

__all__ = [
    "accrue_recurring",
    "add_adjustment",
    "approve_batch",
    "approve_entries",
    "approve_entry",
    "change_rule_rate",
    "claw_back_deal",
    "contest_unconverted",
    "contests_due",
    "create_contest",
    "create_monthly_payout_batches",
    "create_payout_batch",
    "leaderboard",
    "pay_batch",
    "reconsider_spiffs",
    "record_won_deal",
    "resolve_contest",
    "run_payout",
    "save_spiff",
    "stalled_payouts",
    "submit_batch",
    "update_contest",
]
