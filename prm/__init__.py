"""The PRM portal project: settings, URLs, the Celery app and the shared base code."""

from .celery import app as celery_app

__all__ = ("celery_app",)
