"""The Celery app. Tasks are autodiscovered in each app's tasks.py; schedules live in settings."""

import os

from celery import Celery, Task
from django.db import DatabaseError, InterfaceError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")


class PortalTask(Task):
    """Default base for the portal's tasks: retried with exponential back-off on transient faults.

    Tasks are idempotent (DESIGN.md: Events), so a retry or a redelivery after a lost worker is safe.
    """

    autoretry_for = (DatabaseError, InterfaceError, ConnectionError, TimeoutError)
    retry_backoff = 2
    retry_backoff_max = 10 * 60
    retry_jitter = True
    max_retries = 8


app = Celery("prm", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
