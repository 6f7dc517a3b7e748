"""Celery jobs of commissions: thin wrappers that take ids and call services; each is safe to rerun."""

from celery import shared_task

from commissions import services
from prm.exceptions import Conflict


@shared_task(acks_late=True)
def pay_payout_batch(batch_id: int) -> str | None:
    """Pay a batch that is `paying`; a rerun after a crash pays only what is still unpaid."""
    batch = services.run_payout(batch_id=batch_id)
    return batch.status if batch else None


@shared_task
def create_monthly_payout_batches() -> list[int]:
    return services.create_monthly_payout_batches()


@shared_task
def accrue_recurring() -> int:
    return services.accrue_recurring()


@shared_task
def resolve_due_contests() -> int:
    """Resolve every contest whose period has closed; one still waiting for exchange rates (finance was
    alerted) stays open and is tried again on the next run."""
    resolved = 0
    for pk in services.contests_due():
        try:
            services.resolve_contest(contest_id=pk)
        except Conflict:
            continue
        resolved += 1
    return resolved


@shared_task
def resume_stalled_payouts() -> int:
    """Batches left `paying` by a dead worker: run the payout again (it only pays what is unpaid)."""
    ids = services.stalled_payouts()
    for pk in ids:
        services.run_payout(batch_id=pk)
    return len(ids)
