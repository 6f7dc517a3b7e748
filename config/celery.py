"""The Celery app. Tasks are autodiscovered in each app's tasks.py; schedules live in settings."""

import os

from celery import Celery

from prm.task_base import PortalTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("prm", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
