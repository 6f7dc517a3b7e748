"""Domain events through a transactional outbox (docs/architecture.md: Requests, events and tasks).

A service calls `record_event(...)` inside its transaction. After commit, Celery runs
`prm.tasks.dispatch_event`, which calls each subscriber of the event once: a subscriber's work and
the record that it ran commit together, so a redelivered or retried event changes nothing. Events whose
dispatch could not be queued (broker down) are picked up by the `dispatch_pending_events` beat task.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from prm.models import DomainEvent, EventHandlerRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventType:
    name: str
    category: str
    description: str
    public: bool  # offered to webhook subscribers (the API doc: Webhooks)


EVENT_TYPES: dict[str, EventType] = {}
_SUBSCRIBERS: dict[str, list[Callable]] = defaultdict(list)
_ALL_EVENTS = "*"


def register_event_type(name: str, *, category: str, description: str, public: bool = True) -> EventType:
    event_type = EventType(name, category, description, public)
    EVENT_TYPES[name] = event_type
    return event_type


def on_event(*names: str):
    """Subscribe a function `handler(event)` to events by name ("*" for every event)."""

    def register(handler):
        for name in names:
            if handler not in _SUBSCRIBERS[name]:
                _SUBSCRIBERS[name].append(handler)
        return handler

    return register


def subscribers_of(name: str) -> list[Callable]:
    return [*_SUBSCRIBERS[_ALL_EVENTS], *_SUBSCRIBERS[name]]


def handler_key(handler: Callable) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def record_event(name, *, actor=None, partner=None, subject=None, payload=None) -> DomainEvent:
    """Record `name` in the current transaction; it is dispatched only if that transaction commits."""
    if name not in EVENT_TYPES:
        raise ValueError(f"unknown event type {name!r}: register it with register_event_type()")
    event = DomainEvent.objects.create(
        name=name,
        actor=actor if actor is not None and actor.is_authenticated else None,
        partner=partner,
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=subject.pk if subject is not None else None,
        payload=payload or {},
    )
    transaction.on_commit(lambda: enqueue_dispatch(event.pk))
    return event


def enqueue_dispatch(event_id: int) -> None:
    from prm.tasks import dispatch_event  # prm.tasks imports this module

    try:
        dispatch_event.delay(event_id)
    except Exception:  # broker unreachable: the sweeper dispatches it later
        log.warning("could not queue dispatch of event %s; the sweeper will retry", event_id, exc_info=True)


def dispatch(event_id: int) -> None:
    """Run every subscriber of the event that has not run yet; mark the event dispatched."""
    event = DomainEvent.objects.filter(pk=event_id).select_related("partner", "actor").first()
    if event is None or event.dispatched_at is not None:
        return
    DomainEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1)
    done = set(EventHandlerRun.objects.filter(event=event).values_list("handler", flat=True))
    for handler in subscribers_of(event.name):
        key = handler_key(handler)
        if key in done:
            continue
        try:
            with transaction.atomic():
                handler(event)
                EventHandlerRun.objects.create(event=event, handler=key)
        except Exception as exc:
            if isinstance(exc, IntegrityError) and EventHandlerRun.objects.filter(event=event, handler=key).exists():
                # Another worker finished this handler first; its work stands and ours rolled back.
                done.add(key)
                continue
            # Any other failure, an IntegrityError of the handler's own work included, is kept for people to see.
            DomainEvent.objects.filter(pk=event.pk).update(last_error=f"{key}: {exc}"[:2000])
            raise
        done.add(key)
    DomainEvent.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now(), last_error=""
    )
