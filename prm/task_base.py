"""The base class of the portal's Celery tasks (the Celery app in config/celery.py uses it by default)."""

from celery import Task
from django.db import DatabaseError, InterfaceError


class PortalTask(Task):
    """Default base for the portal's tasks: retried with exponential back-off on transient faults.

    Tasks are idempotent (docs/architecture.md: Requests, events and tasks), so a retry or a redelivery after
    a lost worker is safe.
    """

    autoretry_for = (DatabaseError, InterfaceError, ConnectionError, TimeoutError)
    retry_backoff = 2
    retry_backoff_max = 10 * 60
    retry_jitter = True
    max_retries = 8
