"""Celery tasks of the availability check: rebuild the setups whose items changed (nightly, and on change)."""

from celery import shared_task
from django.core.cache import cache

from availability import selectors, setups


@shared_task(ignore_result=True, acks_late=True)
def rebuild_setups(categories: list[str] | None = None, force: bool = False) -> list[str]:
    cache.delete("availability:rebuild-protected")  # events from now on ask for the next rebuild
    policy = selectors.policy_in_force()
    kinds = tuple(categories) if categories else ("direct", "protected")
    return setups.rebuild(policy=policy, categories=kinds, force=force)
