"""Writes of the directory (docs/directory.md): a partner's admins decide what its listing publishes; visitors
ask for a partner, which creates a directory lead routed by the routing rules (deals/routing.py)."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts import access
from deals import routing
from deals.models import Lead, LeadSource
from directory import facts
from directory.models import Listing
from prm.audit import record_audit
from prm.events import record_event

LISTING_FIELDS = (
    "published", "headline", "description", "services", "references", "logo_url", "show_certifications",
    "show_response_time", "show_satisfaction",
)  # fmt: skip
PROFILE_FIELDS = ("specialisations", "languages")


def _unique_slug(partner) -> str:
    base = slugify(partner.name)[:70] or "partner"
    slug, n = base, 1
    while Listing.objects.filter(slug=slug).exclude(partner=partner).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def listing_of(partner) -> Listing:
    """The partner's listing (an unpublished one is made on first use)."""
    listing = Listing.objects.filter(partner=partner).first()
    return listing or Listing(partner=partner, slug=_unique_slug(partner))


def save_listing(*, actor, partner, data: dict) -> Listing:
    """What the partner publishes, from validated values (directory/forms.py ListingForm). Whether it is shown
    at all is also its tier's benefit (Tier.directory_listing) and its status (Listing.objects.listed)."""
    access.require(actor, "directory.edit_listing", partner)
    with transaction.atomic():
        listing = listing_of(partner)
        was_published = listing.published if listing.pk else False
        for name in LISTING_FIELDS:
            if name in data:
                setattr(listing, name, data[name])
        listing.updated_at = timezone.now()
        listing.save()
        changed = [name for name in PROFILE_FIELDS if name in data and getattr(partner, name) != data[name]]
        for name in changed:
            setattr(partner, name, data[name])
        if changed:
            partner.save(update_fields=[*changed, "updated_at"])
        record_audit(
            actor=actor,
            obj=listing,
            action="publish" if listing.published and not was_published else "update",
            partner_id=partner.pk,
        )
        record_event(
            "directory.listing_changed",
            actor=actor,
            partner=partner,
            subject=listing,
            payload={"partner_id": partner.pk, "published": listing.published},
        )
        facts.refresh_facts(partner_ids=[partner.pk])
    listing.refresh_from_db()
    return listing


def request_partner(*, data: dict, listing: Listing | None = None) -> Lead:
    """A visitor's "Contact a partner" (with `listing`) or "Find me a partner" request: a directory lead. It is
    routed by the active rules; contacting a partner offers it to that partner first when its tier's benefits
    include routed leads. Nothing the visitor typed is e-mailed anywhere: partners read it in the portal."""
    with transaction.atomic():
        lead = Lead.objects.create(
            created_by=None,
            source=LeadSource.DIRECTORY,
            customer_name=data["company"],
            customer_domain=data.get("domain", ""),
            customer_country=data["country"],
            contact_name=data["name"],
            contact_email=data["email"],
            product=data.get("product", ""),
            specialisation=data.get("specialisation", ""),
            notes=data.get("message", ""),
        )
        record_audit(actor=None, obj=lead, action="create", to_state=lead.status)
        if listing is not None and listing.partner.tier.lead_routing_weight > 0:
            routing.offer_to(lead=lead, partner=listing.partner)
        else:
            routing.route_lead(lead=lead)
    lead.refresh_from_db()
    return lead
