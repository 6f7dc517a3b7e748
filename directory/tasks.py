"""Celery jobs of the directory: thin wrappers over services (safe to run twice)."""

from celery import shared_task

from directory import facts


@shared_task
def refresh_listing_facts() -> int:
    """Nightly: certificates, response time and satisfaction of every listing, as measured now."""
    return facts.refresh_facts()
