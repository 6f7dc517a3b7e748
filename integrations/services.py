"""Writes of integrations: webhook subscriptions, the event fan-out, and sending one delivery.

Deliveries leave from the outbox: a public domain event is fanned out after its transaction commits
(one delivery per active subscription listening to it), each delivery is POSTed by a Celery task, a
failure is retried with exponential back-off, and a subscription failing for WEBHOOK_PAUSE_AFTER is
paused with a notification to the program admins. docs/webhooks.md is the receiver's side of this.
"""

import base64
import json
import logging
import random
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from integrations.destinations import PinnedAdapter, UnsafeDestination, resolve_destination, validate_webhook_url
from integrations.models import (
    OUTSTANDING,
    DeliveryStatus,
    SubscriptionStatus,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookSubscription,
)
from integrations.signing import SECRET_PREFIX, delivery_headers
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import TransitionNotAllowed

log = logging.getLogger(__name__)

# the API doc: Webhooks. The events a subscriber may choose; every other event stays inside the portal.
WEBHOOK_EVENTS = (
    "application.submitted",
    "partner.tier_changed",
    "deal.submitted",
    "deal.approved",
    "deal.rejected",
    "deal.won",
    "deal.lost",
    "deal.expired",
    "certification.issued",
    "mdf.request.approved",
    "mdf.claim.approved",
    "commission.payout.paid",
)
RESPONSE_EXCERPT_BYTES = 2048
MIN_SECRET_LENGTH = 16


# --- settings with their defaults ------------------------------------------------------------------


def pause_after() -> timedelta:
    return getattr(settings, "WEBHOOK_PAUSE_AFTER", timedelta(hours=24))


def request_timeout() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10))


def retry_delay(attempt: int) -> timedelta:
    """Back-off after the `attempt`-th failed try: 15 s, 30 s, 1 min, 2 min ... capped at 1 h, +-20 % jitter."""
    base = getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 15)
    cap = getattr(settings, "WEBHOOK_RETRY_MAX_SECONDS", 3600)
    seconds = min(base * 2 ** max(attempt - 1, 0), cap)
    return timedelta(seconds=min(seconds * random.uniform(0.8, 1.2), cap))  # noqa: S311 - jitter, not crypto


# --- subscriptions --------------------------------------------------------------------------------


def validate_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    names = [str(name).strip() for name in events]
    unknown = sorted({name for name in names if name not in WEBHOOK_EVENTS})
    if unknown:
        raise ValidationError({"events": _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}})
    return [name for name in WEBHOOK_EVENTS if name in names]


def create_subscription(*, user, url: str, events, secret: str = "", description: str = ""):
    """Subscribe `url` to `events`. Returns (subscription, secret); a blank secret is generated, and the
    secret is shown to the caller this once."""
    access.require(user, "integrations.manage_webhooks")
    errors = {}
    try:
        url = validate_webhook_url(url)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        events = validate_events(events)
    except ValidationError as error:
        errors.update(error.message_dict)
    secret = secret or ""
    if secret and len(secret) < MIN_SECRET_LENGTH:
        errors["secret"] = [
            _("Use at least %(count)s characters, or leave it blank to get one.") % {"count": MIN_SECRET_LENGTH}
        ]
    elif len(secret) > 200:
        errors["secret"] = [_("Use at most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    secret = secret or generate_secret()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            url=url, events=events, secret=secret, description=(description or "").strip()[:200], created_by=user
        )
        record_audit(actor=user, obj=subscription, action="webhook_created", to_state=subscription.status)
    return subscription, secret


def generate_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes (the HMAC key)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def delete_subscription(*, user, subscription: WebhookSubscription) -> None:
    access.require(user, "integrations.manage_webhooks")
    with transaction.atomic():
        record_audit(actor=user, obj=subscription, action="webhook_deleted", from_state=subscription.status)
        subscription.delete()


def pause_subscription(*, user, subscription: WebhookSubscription) -> WebhookSubscription:
    """Stop sending; deliveries still waiting are abandoned (they can be redelivered by hand)."""
    access.require(user, "integrations.manage_webhooks")
    with transaction.atomic():
        if not _pause(subscription, now=timezone.now()):
            raise TransitionNotAllowed(_("This webhook is already paused."), code="webhook_paused")
        record_audit(actor=user, obj=subscription, action="webhook_paused", from_state="active", to_state="paused")
    subscription.refresh_from_db()
    return subscription


def resume_subscription(*, user, subscription: WebhookSubscription) -> WebhookSubscription:
    access.require(user, "integrations.manage_webhooks")
    with transaction.atomic():
        resumed = WebhookSubscription.objects.filter(pk=subscription.pk, status=SubscriptionStatus.PAUSED).update(
            status=SubscriptionStatus.ACTIVE, paused_at=None, failing_since=None
        )
        if not resumed:
            raise TransitionNotAllowed(_("This webhook is already active."), code="webhook_active")
        record_audit(actor=user, obj=subscription, action="webhook_resumed", from_state="paused", to_state="active")
    subscription.refresh_from_db()
    return subscription


def _pause(subscription, *, now) -> bool:
    """Pause once (a conditional UPDATE: True only for the caller that changed it) and abandon the waiting."""
    paused = WebhookSubscription.objects.filter(pk=subscription.pk, status=SubscriptionStatus.ACTIVE).update(
        status=SubscriptionStatus.PAUSED, paused_at=now
    )
    if paused:
        WebhookDelivery.objects.filter(subscription=subscription, status__in=OUTSTANDING).update(
            status=DeliveryStatus.ABANDONED,
            next_attempt_at=None,
            error=_("Not sent: the webhook was paused."),
        )
    return bool(paused)


# --- fan-out and redelivery -------------------------------------------------------------------------


def render_body(event) -> str:
    """The JSON a receiver gets: {id, event, created_at, data}; these exact characters are signed."""
    document = {
        "id": event.pk,
        "event": event.name,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True)


def fan_out_event(*, event) -> list[WebhookDelivery]:
    """One delivery per active subscription listening to a public event, queued after commit. Safe to run
    twice: the original delivery of an event is unique per subscription."""
    if event.name not in WEBHOOK_EVENTS:
        return []
    subscriptions = [
        s for s in WebhookSubscription.objects.filter(status=SubscriptionStatus.ACTIVE) if event.name in s.events
    ]
    if not subscriptions:
        return []
    already = set(
        WebhookDelivery.objects.filter(event=event, redelivery_of__isnull=True).values_list(
            "subscription_id", flat=True
        )
    )
    body = render_body(event)
    now = timezone.now()
    created = []
    for subscription in subscriptions:
        if subscription.pk in already:
            continue
        created.append(
            WebhookDelivery.objects.create(
                subscription=subscription, event=event, event_name=event.name, body=body, next_attempt_at=now
            )
        )
    for delivery in created:
        transaction.on_commit(lambda pk=delivery.pk: enqueue_delivery(pk))
    return created


def redeliver(*, user, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's body again as a new delivery row (the log keeps the original as it was)."""
    access.require(user, "integrations.redeliver_webhooks")
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
        if subscription.status != SubscriptionStatus.ACTIVE:
            raise TransitionNotAllowed(_("Resume this webhook before redelivering."), code="webhook_paused")
        copy = WebhookDelivery.objects.create(
            subscription=subscription,
            event_id=delivery.event_id,
            event_name=delivery.event_name,
            body=delivery.body,
            redelivery_of_id=delivery.redelivery_of_id or delivery.pk,
            next_attempt_at=timezone.now(),
        )
        record_audit(actor=user, obj=subscription, action="webhook_redelivered", reason=f"delivery {delivery.pk}")
        transaction.on_commit(lambda: enqueue_delivery(copy.pk))
    return copy


def enqueue_delivery(delivery_id: int, countdown: float | None = None) -> None:
    from integrations.tasks import deliver  # integrations.tasks imports this module

    try:
        if countdown:
            deliver.apply_async(args=[delivery_id], countdown=countdown)
        else:
            deliver.delay(delivery_id)
    except Exception:  # broker unreachable: retry_due_deliveries picks it up
        log.warning("could not queue webhook delivery %s; the sweeper will send it", delivery_id, exc_info=True)


def due_delivery_ids(*, limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.due(timezone.now()).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )


# --- sending one delivery ---------------------------------------------------------------------------


@dataclass
class SendResult:
    ok: bool
    status_code: int | None = None
    duration_ms: int | None = None
    excerpt: str = ""
    error: str = ""


def _post(subscription: WebhookSubscription, delivery: WebhookDelivery) -> SendResult:
    body = delivery.body.encode()
    headers = delivery_headers(subscription, delivery, timestamp=int(time.time()))
    try:
        address = resolve_destination(subscription.url)
    except UnsafeDestination as error:
        return SendResult(ok=False, error=str(error))
    started = time.monotonic()
    try:
        with requests.Session() as session:
            session.trust_env = False  # no proxies from the environment: the URL is the destination
            adapter = PinnedAdapter(address)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            response = session.post(
                subscription.url,
                data=body,
                headers=headers,
                timeout=request_timeout(),
                allow_redirects=False,
                stream=True,
            )
            try:
                raw = response.raw.read(RESPONSE_EXCERPT_BYTES, decode_content=True) or b""
            finally:
                response.close()
    except requests.RequestException as error:
        duration = int((time.monotonic() - started) * 1000)
        return SendResult(ok=False, duration_ms=duration, error=f"{type(error).__name__}: {error}"[:1000])
    duration = int((time.monotonic() - started) * 1000)
    excerpt = raw.decode("utf-8", errors="replace")
    ok = 200 <= response.status_code < 300
    error = "" if ok else f"HTTP {response.status_code}"
    return SendResult(ok=ok, status_code=response.status_code, duration_ms=duration, excerpt=excerpt, error=error)


def _claim(delivery_id: int, now) -> WebhookDelivery | None:
    """Lock the row (skip it if another worker holds it), check it is due, and lease it for this attempt, so
    two workers never send the same attempt; a worker that dies mid-way leaves it for the sweeper."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status__in=OUTSTANDING)
            .first()
        )
        if delivery is None:
            return None  # sent already, abandoned, or being sent by another worker
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None  # not due yet (a duplicate message, or leased by a worker still sending)
        subscription = WebhookSubscription.objects.get(pk=delivery.subscription_id)
        if subscription.status != SubscriptionStatus.ACTIVE:
            delivery.status = DeliveryStatus.ABANDONED
            delivery.next_attempt_at = None
            delivery.error = _("Not sent: the webhook is paused.")
            delivery.save(update_fields=["status", "next_attempt_at", "error"])
            return None
        delivery.attempt += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + timedelta(seconds=request_timeout() + 60)  # the lease
        delivery.save(update_fields=["attempt", "last_attempt_at", "next_attempt_at"])
    delivery.subscription = subscription
    return delivery


def deliver_webhook(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one due delivery once and record the outcome; returns the delivery, or None if nothing was sent."""
    delivery = _claim(delivery_id, timezone.now())
    if delivery is None:
        return None
    result = _post(delivery.subscription, delivery)
    now = timezone.now()
    retry_in = None
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().filter(pk=delivery.subscription_id).first()
        if subscription is None:
            return None  # deleted while we were sending: its log went with it
        WebhookDeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt,
            started_at=delivery.last_attempt_at,
            status_code=result.status_code,
            duration_ms=result.duration_ms,
            succeeded=result.ok,
            error=result.error,
            response_excerpt=result.excerpt,
        )
        delivery.status_code = result.status_code
        delivery.duration_ms = result.duration_ms
        delivery.response_excerpt = result.excerpt
        delivery.error = result.error
        if result.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            if subscription.failing_since is not None:
                WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=None)
        else:
            failing_since = subscription.failing_since or now
            if subscription.failing_since is None:
                WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=now)
            if subscription.status != SubscriptionStatus.ACTIVE:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            elif now - failing_since >= pause_after():
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                delivery.save()
                if _pause(subscription, now=now):
                    _announce_pause(subscription, failing_since=failing_since, last_error=result.error)
            else:
                delay = retry_delay(delivery.attempt)
                delivery.status = DeliveryStatus.RETRYING
                delivery.next_attempt_at = now + delay
                retry_in = delay.total_seconds()
        delivery.save()
    if retry_in is not None:
        transaction.on_commit(lambda: enqueue_delivery(delivery.pk, countdown=retry_in))
    return delivery


def _announce_pause(subscription, *, failing_since, last_error: str) -> None:
    record_audit(
        actor=None,
        obj=subscription,
        action="webhook_paused",
        from_state="active",
        to_state="paused",
        reason=f"Failing since {failing_since.isoformat()}: {last_error}"[:2000],
    )
    record_event(
        "webhook.paused",
        subject=subscription,
        payload={
            "subscription_id": subscription.pk,
            "url": subscription.url,
            "failing_since": failing_since.isoformat(),
            "last_error": last_error[:500],
        },
    )
