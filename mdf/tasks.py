"""MDF beat jobs: thin wrappers over services, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from mdf import services


@shared_task
def expire_funds() -> int:
    today = timezone.localdate()
    return sum(1 for pk in list(services.funds_due_to_expire(today)) if services.expire_fund(fund_id=pk, today=today))


@shared_task
def send_fund_expiry_reminders() -> int:
    today = timezone.localdate()
    return sum(1 for pk in list(services.funds_due_a_reminder(today)) if services.remind_fund_expiry(fund_id=pk))


@shared_task
def release_lapsed_requests() -> int:
    today = timezone.localdate()
    return sum(
        1 for pk in list(services.lapsed_requests(today)) if services.release_lapsed_request(request_id=pk, today=today)
    )
