"""Reads of the public directory (docs/directory.md). The ranking is explained on the page: listings are ordered by
the measured facts below, never by anything a partner types."""

from django.core.paginator import Paginator
from django.db.models import F, Q

from directory.models import Listing, ListingTag, TagKind
from enablement.selectors import public_certificates

PAGE_SIZE = 20
# The one ordering of the directory, in words for the page and as SQL below (docs/directory.md, "Ranking").
RANKING = (
    "tier",  # higher tier first (the program's own measure: its requirements, docs/tiers.md)
    "certificates",  # more certificates that count today
    "response",  # faster median lead response (partners without accepted leads last)
    "name",
)
ORDERING = (
    F("partner__tier__rank").desc(),
    F("certificate_count").desc(),
    F("median_response_hours").asc(nulls_last=True),
    F("partner__name").asc(),
    F("pk").asc(),
)
TAG_FILTERS = {
    "specialisation": TagKind.SPECIALISATION,
    "industry": TagKind.INDUSTRY,
    "language": TagKind.LANGUAGE,
    "certification": TagKind.CERTIFICATION,
}


def search(filters: dict):
    """The listed partners matching every given filter, ranked; one page (2 queries: count and rows)."""
    listings = Listing.objects.listed().select_related("partner", "partner__tier")
    if filters.get("q"):
        listings = listings.filter(partner__name__icontains=filters["q"])
    for name, lookup in (("country", "partner__country"), ("region", "partner__region")):
        if filters.get(name):
            listings = listings.filter(**{lookup: filters[name]})
    if filters.get("partner_type"):
        listings = listings.filter(partner__partner_type=filters["partner_type"])
    if filters.get("tier"):
        listings = listings.filter(partner__tier=filters["tier"])
    for name, kind in TAG_FILTERS.items():
        value = filters.get(name)
        if value:
            value = str(getattr(value, "pk", value))
            listings = listings.filter(Q(pk__in=ListingTag.objects.filter(kind=kind, value=value).values("listing_id")))
    paginator = Paginator(listings.order_by(*ORDERING), PAGE_SIZE)
    return paginator.get_page(filters.get("page") or 1)


def profile(slug: str) -> Listing | None:
    return Listing.objects.listed().select_related("partner", "partner__tier").filter(slug=slug).first()


def certification_badges(listing: Listing) -> list[dict]:
    """The certifications a listing shows, each with how many of its people hold it and the verification page of
    each certificate (the public /verify/<code>/): one query."""
    if not listing.show_certifications:
        return []
    badges: dict[int, dict] = {}
    for row in public_certificates([listing.partner_id]):
        badge = badges.setdefault(
            row["certification_id"], {"name": row["certification__name"], "codes": [], "id": row["certification_id"]}
        )
        badge["codes"].append(row["verification_code"])
    return sorted(badges.values(), key=lambda b: (-len(b["codes"]), b["name"]))


def sitemap_slugs() -> list[str]:
    return list(Listing.objects.listed().order_by("slug").values_list("slug", flat=True)[:5000])
