"""Celery tasks of the SLA app: idempotent and safe to retry (they only call services)."""

from celery import shared_task

from sla import selectors, services


@shared_task(acks_late=True)
def escalate_breaches() -> int:
    """Beat, every 15 minutes: escalate each open item past due exactly once; close decided ones; and
    refresh the cached program medians so that pages rarely compute them."""
    escalated = services.escalate_breaches()
    selectors.medians(refresh=True)
    return escalated
