"""Celery tasks of integrations: send one webhook delivery, and sweep the ones due for a retry.

Tasks take ids and are safe to run twice: a delivery already sent, not yet due, or held by another
worker is left alone (integrations.services.deliver_webhook).
"""

from celery import shared_task

from integrations import services


@shared_task(ignore_result=True)
def deliver(delivery_id: int) -> None:
    services.deliver_webhook(delivery_id=delivery_id)


@shared_task
def retry_due_deliveries(limit: int = 500) -> int:
    """Queue every delivery whose next attempt is due (retries, and sends whose queueing was lost)."""
    due = services.due_delivery_ids(limit=limit)
    for delivery_id in due:
        services.enqueue_delivery(delivery_id)
    return len(due)
