"""Celery tasks of the core: event dispatch and its sweeper. Tasks take ids and are safe to rerun."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from prm import events, files, imports
from prm.idempotency import purge_expired_keys
from prm.models import DomainEvent
from prm.notifications import email_notification
from prm.task_base import PortalTask

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def dispatch_event(event_id: int) -> None:
    events.dispatch(event_id)


@shared_task
def dispatch_pending_events(older_than_seconds: int = 30, limit: int = 500) -> int:
    """Dispatch events left pending (broker down at commit time, worker lost mid-way); returns how many."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = list(
        DomainEvent.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    dispatched = 0
    for event_id in pending:
        try:
            events.dispatch(event_id)
        except Exception:
            # One failing event (its last_error says why) must not hold back the ones queued behind it.
            log.exception("event %s is still pending; the next sweep retries it", event_id)
            continue
        dispatched += 1
    return dispatched


# SMTP errors are OSErrors (smtplib.SMTPException included): retried with the portal's back-off.
@shared_task(ignore_result=True, autoretry_for=(*PortalTask.autoretry_for, OSError))
def send_notification_email(notification_id: int) -> None:
    email_notification(notification_id=notification_id)


@shared_task
def ping() -> str:
    """A trivial task used by health checks and the worker test."""
    return "pong"


@shared_task(ignore_result=True)
def purge_idempotency_keys() -> int:
    """Forget Idempotency-Keys older than 24 hours (the API doc)."""
    return purge_expired_keys()


@shared_task(ignore_result=True)
def clean_upload_stash() -> int:
    """Delete files kept for refused forms that nobody sent again in time (prm/files.py); idempotent."""
    return files.clean_upload_stash()


@shared_task
def run_import(job_id: int, language: str | None = None) -> None:
    """Run one CSV import (prm.imports); a finished job is left alone, so a redelivery changes nothing.

    `language` is the uploader's: the row errors the job records are written in it."""
    with translation.override(language or settings.LANGUAGE_CODE):
        imports.run_import(job_id=job_id)
