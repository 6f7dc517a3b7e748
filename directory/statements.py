"""The signed, expiring listing statement (docs/directory.md, "Listing evidence"): what the portal measured about
a listed partner - its tier, certificate counts, median lead response time and satisfaction - signed with the
portal's Ed25519 keys (receipts.signing) in the receipt envelope, so it is checked like a receipt:

    {"receipt": {"type": "PrmListingStatement", "format": 1, "issuer", "issued_at", "expires_at",
                 "partner": {"id", "name"}, "listing_url", "tier", "certificates", "certified_people",
                 "median_lead_response_hours", "customer_satisfaction"},
     "signature": {"alg": "Ed25519", "kid", "value"}}

A statement is valid while its signature verifies and it has not expired; it is re-issued on each request."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from directory.models import Listing
from receipts import signing
from receipts.services import verify_envelope

DOCUMENT_TYPE = "PrmListingStatement"
VALID_DAYS = 7


def _utc(moment) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def statement_document(listing: Listing, now=None) -> dict:
    """Only what the listing publishes: response time and satisfaction only when the partner shows them."""
    now = now or timezone.now()
    partner = listing.partner
    return {
        "type": DOCUMENT_TYPE,
        "format": 1,
        "issuer": settings.SITE_URL,
        "issued_at": _utc(now),
        "expires_at": _utc(now + timedelta(days=VALID_DAYS)),
        "partner": {"id": partner.pk, "name": partner.name},
        "listing_url": settings.SITE_URL.rstrip("/") + listing.get_absolute_url(),
        "tier": partner.tier.name,
        "certificates": listing.certificate_count if listing.show_certifications else None,
        "certified_people": listing.certified_people if listing.show_certifications else None,
        "median_lead_response_hours": (
            str(listing.median_response_hours)
            if listing.show_response_time and listing.median_response_hours is not None
            else None
        ),
        "customer_satisfaction": (
            str(listing.satisfaction) if listing.show_satisfaction and listing.satisfaction is not None else None
        ),
    }


def issue(listing: Listing, now=None) -> dict:
    document = statement_document(listing, now)
    kid, value = signing.sign(signing.canonical_json(document))
    return {"receipt": document, "signature": {"alg": "Ed25519", "kid": kid, "value": value}}


def check(envelope, now=None) -> str:
    """Answers "valid", "expired" (signed by the portal but past its date), "tampered" (anything else)."""
    if not verify_envelope(envelope):
        return "tampered"
    document = envelope["receipt"]
    if document.get("type") != DOCUMENT_TYPE:
        return "tampered"
    try:
        expires = datetime.fromisoformat(str(document.get("expires_at", "")).replace("Z", "+00:00"))
    except ValueError:
        return "tampered"
    return "valid" if expires > (now or timezone.now()) else "expired"
