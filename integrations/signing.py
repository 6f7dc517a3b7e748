"""How a webhook delivery is signed: Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
`webhook-signature`) and the legacy `X-PRM-Signature` (docs/webhooks.md: Verifying the signature)."""

import base64
import binascii
import hashlib
import hmac

from django.conf import settings

from integrations.models import WebhookDelivery, WebhookSubscription

SIGNATURE_HEADER = "X-PRM-Signature"  # legacy: HMAC of the body only, no timestamp (docs/webhooks.md)
SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret


def sign(secret: str, body: bytes) -> str:
    """The legacy `X-PRM-Signature`: HMAC-SHA256 of the body alone (no timestamp, so it can be replayed)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signing_key(secret: str) -> bytes:
    """The Standard Webhooks HMAC key of a secret: the base64 after `whsec_` decoded (what the
    standardwebhooks libraries do with such a secret); any other secret, e.g. one a program admin chose,
    is used as its UTF-8 bytes (docs/webhooks.md: Verifying the signature)."""
    if secret.startswith(SECRET_PREFIX):
        encoded = secret[len(SECRET_PREFIX) :]
        try:
            key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if key:
            return key
    return secret.encode()


def webhook_id(delivery: WebhookDelivery) -> str:
    """`webhook-id`: the same for every retry and redelivery of one event to one subscription, so a
    receiver can ignore repeats."""
    return f"msg_{delivery.redelivery_of_id or delivery.pk}"


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`webhook-signature` (Standard Webhooks v1): base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def delivery_headers(subscription: WebhookSubscription, delivery: WebhookDelivery, *, timestamp: int) -> dict:
    body = delivery.body.encode()
    message_id = webhook_id(delivery)
    return {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.PORTAL_NAME.replace(' ', '')}-Webhooks/1.0",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(subscription.secret, message_id, timestamp, body),
        "X-PRM-Event": delivery.event_name,
        "X-PRM-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(subscription.secret, body),
    }
