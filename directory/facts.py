"""The measured facts a listing shows as evidence (docs/directory.md, "Listing evidence"): certificates that
count now and the people holding them (enablement), the median lead response time (deals) and customer
satisfaction ratings (analytics scorecards), read through those apps' selectors, plus the searchable tags."""

from django.db import transaction
from django.utils import timezone

from analytics.scorecards.selectors import customer_satisfaction
from deals.selectors import median_lead_response_hours
from directory.models import Listing, ListingTag, TagKind
from enablement.selectors import public_certificates

BATCH = 500


def _tags(listing: Listing, certification_ids) -> list[ListingTag]:
    partner = listing.partner
    values = {
        TagKind.SPECIALISATION: partner.specialisations,
        TagKind.INDUSTRY: partner.verticals,
        TagKind.LANGUAGE: partner.languages,
        TagKind.CERTIFICATION: [str(pk) for pk in certification_ids],
    }
    return [
        ListingTag(listing=listing, kind=kind, value=str(value)[:80])
        for kind, found in values.items()
        for value in sorted(set(found or []))
    ]


def refresh_facts(*, partner_ids=None) -> int:
    """Recompute the facts and tags of these partners' listings (all listings by default), in batches; a few
    queries per batch. Idempotent: the nightly task and every listing change call it."""
    listings = Listing.objects.select_related("partner").order_by("pk")
    if partner_ids is not None:
        listings = listings.filter(partner_id__in=list(partner_ids))
    done = 0
    batch: list[Listing] = []
    for listing in listings.iterator(chunk_size=BATCH):
        batch.append(listing)
        if len(batch) == BATCH:
            done += _refresh_batch(batch)
            batch = []
    return done + (_refresh_batch(batch) if batch else 0)


def _refresh_batch(listings: list[Listing]) -> int:
    ids = [listing.partner_id for listing in listings]
    certificates: dict[int, list[dict]] = {}
    for row in public_certificates(ids):
        certificates.setdefault(row["partner_id"], []).append(row)
    response = median_lead_response_hours(ids)
    satisfaction = customer_satisfaction(ids)
    now = timezone.now()
    tags = []
    for listing in listings:
        held = certificates.get(listing.partner_id, [])
        listing.certificate_count = len(held)
        listing.certified_people = len({row["user_id"] for row in held})
        listing.median_response_hours = response.get(listing.partner_id)
        listing.satisfaction = satisfaction.get(listing.partner_id)
        listing.facts_at = now
        tags.extend(_tags(listing, {row["certification_id"] for row in held}))
    with transaction.atomic():
        Listing.objects.bulk_update(
            listings,
            ["certificate_count", "certified_people", "median_response_hours", "satisfaction", "facts_at"],
        )
        ListingTag.objects.filter(listing__in=listings).delete()
        ListingTag.objects.bulk_create(tags, batch_size=2000)
    return len(listings)
