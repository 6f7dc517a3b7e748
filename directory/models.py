"""A partner's directory listing: what the partner chose to publish, and the measured facts the portal shows
as evidence next to it (refreshed by directory/facts.py; docs/directory.md)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import PartnerStatus
from prm.tenancy import TenantManager, TenantQuerySet


class ListingQuerySet(TenantQuerySet):
    def listed(self):
        """Listings the public sees: published by the partner, the partner active, its tier's benefits list it."""
        return self.filter(published=True, partner__status=PartnerStatus.ACTIVE, partner__tier__directory_listing=True)


class Listing(models.Model):
    TENANT_PATH = "partner_id"

    partner = models.OneToOneField("partners.Partner", on_delete=models.CASCADE, related_name="listing")
    slug = models.SlugField(max_length=80, unique=True)
    published = models.BooleanField(default=False)
    headline = models.CharField(max_length=160, blank=True)
    description = models.TextField(blank=True, max_length=3000)
    services = models.JSONField(default=list, blank=True)
    # [{"customer": ..., "summary": ...}] the partner chose to publish.
    references = models.JSONField(default=list, blank=True)
    logo_url = models.URLField(blank=True, max_length=300)
    show_certifications = models.BooleanField(default=True)
    show_response_time = models.BooleanField(default=True)
    show_satisfaction = models.BooleanField(default=True)
    # Measured by the portal (directory/facts.py), never typed by the partner.
    certificate_count = models.PositiveIntegerField(default=0)
    certified_people = models.PositiveIntegerField(default=0)
    median_response_hours = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    satisfaction = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    facts_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager.from_queryset(ListingQuerySet)()

    class Meta:
        ordering = ["partner__name"]
        indexes = [
            models.Index(
                fields=["-certificate_count", "median_response_hours"],
                name="directory_listing_rank",
                condition=Q(published=True),
            )
        ]

    def __str__(self):
        return f"Listing of {self.partner_id}"

    def get_absolute_url(self):
        return reverse("directory:profile", args=[self.slug])


class TagKind(models.TextChoices):
    SPECIALISATION = "specialisation", _("Specialisation")
    INDUSTRY = "industry", _("Industry")
    LANGUAGE = "language", _("Language")
    CERTIFICATION = "certification", _("Certification")


class ListingTag(models.Model):
    """One searchable value of a listing (a language, an industry, a certification held): the filters read these
    through an index instead of scanning JSON."""

    TENANT_PATH = "listing__partner_id"

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=20, choices=TagKind.choices)
    value = models.CharField(max_length=80)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["listing", "kind", "value"], name="directory_tag_once")]
        indexes = [models.Index(fields=["kind", "value", "listing"], name="directory_tag_lookup")]

    def __str__(self):
        return f"{self.kind}={self.value}"
