"""Celery beat jobs of enablement: thin wrappers around services, safe to run twice."""

from celery import shared_task

from enablement import services


@shared_task
def expire_certificates() -> int:
    return services.expire_certificates()


@shared_task
def send_certificate_reminders() -> int:
    return services.send_expiry_reminders()
