"""Issuing and verifying signed registration receipts (docs/receipts.md).

A receipt is the document below plus an Ed25519 signature over its canonical JSON (receipts.signing):

    {"receipt": {"type": "PrmRegistrationReceipt", "format": 1, "id", "issuer", "issued_at", "deal_id",
                 "partner": {"id", "name"}, "customer_key_sha256", "decision", "outcome", "reason",
                 "decided_at", "protected_until", "policy_version"},
     "signature": {"alg": "Ed25519", "kid", "value"}}

It names the partner it was issued to and a hash of the customer's normalised key, never another partner.
"""

import hashlib
import uuid
from datetime import UTC

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from deals import matching
from policy.selectors import policy_at
from receipts import signing
from receipts.models import Receipt, ReceiptKind

DOCUMENT_TYPE = "PrmRegistrationReceipt"
DOCUMENT_FORMAT = 1


def customer_key(*, name: str, domain: str, country: str) -> str:
    """The normalised customer key a receipt hashes: "<COUNTRY>|<normalised name>|<normalised domain>"
    (deals.matching), so a partner can recompute it from what it registered."""
    return "|".join(
        [
            (country or "").upper(),
            matching.normalise_company_name(name).value,
            matching.normalise_domain(domain),
        ]
    )


def customer_key_sha256(deal) -> str:
    key = customer_key(name=deal.customer_name, domain=deal.customer_domain, country=deal.customer_country)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _utc(moment) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _policy_version(deal, decided_at) -> int | None:
    """The rules-of-engagement version the decision was taken under: the one recorded on the deal, else the
    one in force at the decision time."""
    if deal.policy_version_id:
        return deal.policy_version.version
    try:
        policy = policy_at(decided_at)
    except Exception:  # no policy table or row yet: the receipt says so rather than failing the decision
        return None
    return policy.version if policy is not None else None


def receipt_document(*, receipt_id, deal, kind: str, outcome: str, reason, decided_at, protected_until) -> dict:
    """The signed document (no floats: every value is a string, an integer or null)."""
    return {
        "type": DOCUMENT_TYPE,
        "format": DOCUMENT_FORMAT,
        "id": str(receipt_id),
        "issuer": settings.SITE_URL,
        "issued_at": _utc(timezone.now()),
        "deal_id": deal.pk,
        "partner": {"id": deal.partner_id, "name": deal.partner.name},
        "customer_key_sha256": customer_key_sha256(deal),
        "decision": kind,
        "outcome": outcome,
        "reason": reason or None,
        "decided_at": _utc(decided_at),
        "protected_until": protected_until.isoformat() if hasattr(protected_until, "isoformat") else protected_until,
        "policy_version": _policy_version(deal, decided_at),
    }


def issue_receipt(
    *,
    deal,
    kind: str,
    outcome: str | None = None,
    reason=None,
    decided_at=None,
    protected_until=None,
    source_event_id: int | None = None,
) -> Receipt:
    """Sign and store one receipt of a partner-sourced deal's decision. With `source_event_id`, issuing twice
    for the same event returns the first receipt (handlers may be retried)."""
    if deal.partner_id is None:
        raise ValueError("only partner-sourced deals get receipts")
    if kind not in ReceiptKind.values:
        raise ValueError(f"unknown receipt kind {kind!r}")
    if source_event_id is not None:
        existing = Receipt.objects.filter(source_event_id=source_event_id).first()
        if existing is not None:
            return existing
    receipt_id = uuid.uuid4()
    document = receipt_document(
        receipt_id=receipt_id,
        deal=deal,
        kind=kind,
        outcome=outcome or deal.status,
        reason=reason if outcome is not None else deal.reason,
        decided_at=decided_at or deal.decided_at or deal.submitted_at or timezone.now(),
        protected_until=protected_until if outcome is not None else deal.protected_until,
    )
    kid, signature = signing.sign(signing.canonical_json(document))
    try:
        with transaction.atomic():
            return Receipt.objects.create(
                uuid=receipt_id,
                deal=deal,
                partner_id=deal.partner_id,
                kind=kind,
                source_event_id=source_event_id,
                body=document,
                kid=kid,
                signature=signature,
            )
    except IntegrityError:
        if source_event_id is None:
            raise
        return Receipt.objects.get(source_event_id=source_event_id)


def verify_envelope(envelope) -> bool:
    """True only for {"receipt": {...}, "signature": {"alg": "Ed25519", "kid", "value"}} whose signature
    covers the receipt's canonical JSON under a published key (retired keys included)."""
    if not isinstance(envelope, dict):
        return False
    document, signature = envelope.get("receipt"), envelope.get("signature")
    if not isinstance(document, dict) or not isinstance(signature, dict):
        return False
    if signature.get("alg") != "Ed25519":
        return False
    kid, value = signature.get("kid"), signature.get("value")
    if not isinstance(kid, str) or not isinstance(value, str):
        return False
    try:
        data = signing.canonical_json(document)
    except (TypeError, ValueError, RecursionError):
        return False
    return signing.verify(kid, data, value)
