"""Writes of the SLA app: escalating breached items exactly once, and closing escalations when decided.

Exactly once: the (kind, object_id) unique constraint decides. Each item is claimed in its own short
transaction with get_or_create; a concurrent worker that loses the race gets the winner's row back
(IntegrityError, then a read), sees `created=False` and records nothing. The domain event, and with it the
notifications to the program admins and the partner's channel manager, is written in the winner's
transaction, so it exists if and only if the escalation does.
"""

import logging

from django.db import transaction
from django.utils import timezone

from partners.models import Partner
from prm.events import record_event
from sla import selectors
from sla.models import SlaEscalation
from sla.registry import KINDS

log = logging.getLogger(__name__)


def escalate_breaches(*, now=None) -> int:
    """Escalate every open item past its due moment that has no escalation yet; returns how many were new."""
    now = now or timezone.now()
    breached = selectors.open_items(None, breached=True, now=now)
    if not breached:
        resolve_escalations(now=now)
        return 0
    known = set(
        SlaEscalation.objects.filter(
            kind__in={item.kind_key for item in breached}, object_id__in={item.object_id for item in breached}
        ).values_list("kind", "object_id")
    )
    partners = Partner.objects.in_bulk({item.partner_id for item in breached})
    created_count = 0
    for item in breached:
        if (item.kind_key, item.object_id) in known:
            continue
        with transaction.atomic():
            escalation, created = SlaEscalation.objects.get_or_create(
                kind=item.kind_key,
                object_id=item.object_id,
                defaults={
                    "partner_id": item.partner_id,
                    "title": item.title[:200],
                    "started_at": item.started_at,
                    "due_at": item.due_at,
                    "sla_days": item.sla_days,
                    "escalated_at": now,
                },
            )
            if not created:
                continue
            record_event(
                "sla.breached",
                partner=partners.get(item.partner_id),
                subject=escalation,
                payload={
                    "escalation_id": escalation.pk,
                    "kind": item.kind_key,
                    "object_id": item.object_id,
                    "title": escalation.title,
                    "partner_name": item.partner_name,
                    "due_at": item.due_at.isoformat(),
                    "sla_days": item.sla_days,
                    "waited_days": item.waited_days,
                    "url": item.url,
                },
            )
            created_count += 1
    resolve_escalations(now=now)
    if created_count:
        log.info("escalated %s SLA breaches", created_count)
    return created_count


def resolve_escalations(*, now=None) -> int:
    """Close the escalations of items that are no longer waiting on the vendor, at the moment they were decided
    (or now, when the item has no decision time, e.g. it was withdrawn or deleted). Idempotent."""
    now = now or timezone.now()
    pending: dict[str, list[int]] = {}
    for kind, object_id in SlaEscalation.objects.open().values_list("kind", "object_id"):
        pending.setdefault(kind, []).append(object_id)
    resolved = 0
    for key, ids in pending.items():
        entry = KINDS.get(key)
        if entry is None:
            continue
        rows = entry.model()._default_manager.filter(pk__in=ids)
        still_open = set(rows.filter(entry.open_filter).values_list("pk", flat=True))
        decided = dict(rows.exclude(pk__in=still_open).values_list("pk", entry.decided_field))
        for object_id in ids:
            if object_id in still_open:
                continue
            resolved += SlaEscalation.objects.filter(kind=key, object_id=object_id, resolved_at__isnull=True).update(
                resolved_at=decided.get(object_id) or now
            )
    return resolved
