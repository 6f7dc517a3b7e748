"""Partner organisations and the tiers of the program.

Aggregate roots: Partner (status onboarding -> active -> suspended | terminated; tier changes recorded
as TierChange rows), Tier (ranked; requirements measured over the trailing 12 months; benefits).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField

from prm.money import RateField
from prm.tenancy import TenantManager, TenantQuerySet


class PartnerType(models.TextChoices):
    REFERRAL = "referral", "Referral"
    RESELLER = "reseller", "Reseller (VAR)"
    SYSTEMS_INTEGRATOR = "systems_integrator", "Systems integrator"
    MSP = "msp", "Managed service provider"
    ISV = "isv", "ISV / technology"
    OEM = "oem", "OEM / white-label"
    CLOUD_MARKETPLACE = "cloud_marketplace", "Cloud / marketplace"
    AFFILIATE = "affiliate", "Affiliate"


class PartnerStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


class Region(models.TextChoices):
    NORTH_AMERICA = "na", "North America"
    LATIN_AMERICA = "latam", "Latin America"
    EMEA = "emea", "Europe, Middle East and Africa"
    APAC = "apac", "Asia-Pacific"


class Vertical(models.TextChoices):
    FINANCIAL_SERVICES = "financial_services", "Financial services"
    HEALTHCARE = "healthcare", "Healthcare"
    MANUFACTURING = "manufacturing", "Manufacturing"
    RETAIL = "retail", "Retail"
    PUBLIC_SECTOR = "public_sector", "Public sector"
    EDUCATION = "education", "Education"
    TECHNOLOGY = "technology", "Technology"
    TELECOM = "telecom", "Telecommunications"
    ENERGY = "energy", "Energy and utilities"
    PROFESSIONAL_SERVICES = "professional_services", "Professional services"


class TierQuerySet(models.QuerySet):
    def ranked(self):
        return self.order_by("rank")


class Tier(models.Model):
    """A level of the program. Every partner sees the tiers, so Tier has no tenancy."""

    name = models.CharField(max_length=50, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="0 is the entry tier; higher is better.")
    description = models.TextField(blank=True)
    # Benefits (DESIGN.md: Tiers)
    commission_rate = RateField(default=0, help_text="Referral / commission rate, a fraction (0.1000 = 10 %).")
    mdf_accrual_rate = RateField(default=0, help_text="Share of won deal amounts accrued as MDF (0.0300 = 3 %).")
    protection_days = models.PositiveSmallIntegerField(default=90, help_text="Deal registration protection.")
    advisory_board_eligible = models.BooleanField(default=False)
    extra_benefits = models.JSONField(default=list, blank=True, help_text="Further benefits as short phrases.")

    objects = TierQuerySet.as_manager()

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name

    @property
    def benefits(self) -> dict:
        return {
            "commission_rate": f"{self.commission_rate:.4f}",
            "mdf_accrual_rate": f"{self.mdf_accrual_rate:.4f}",
            "protection_days": self.protection_days,
            "content_access": f"{self.name} and below",
            "advisory_board_eligible": self.advisory_board_eligible,
            "extra": list(self.extra_benefits),
        }


class RequirementMetric(models.TextChoices):
    """What a tier requirement measures, over the trailing 12 months (DESIGN.md: Tiers)."""

    SOURCED_BOOKINGS = "sourced_bookings", "Partner-sourced bookings"
    SALES_CERTIFIED = "sales_certified_people", "People with a sales certification"
    TECHNICAL_CERTIFIED = "technical_certified_people", "People with a technical certification"
    REGISTERED_DEALS = "registered_deals", "Registered deals"
    REFERENCE_IMPLEMENTATIONS = "reference_implementations", "Reference implementations"
    SCORECARD_SCORE = "scorecard_score", "Scorecard score"


class TierRequirement(models.Model):
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="requirements")
    metric = models.CharField(max_length=40, choices=RequirementMetric.choices)
    minimum = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["tier__rank", "metric"]
        constraints = [models.UniqueConstraint(fields=["tier", "metric"], name="tier_requirement_once")]

    def __str__(self):
        return f"{self.tier}: {self.get_metric_display()} >= {self.minimum}"


class PartnerQuerySet(TenantQuerySet):
    def managed_by(self, user):
        return self.filter(channel_manager=user)


class Partner(models.Model):
    """A partner organisation: the tenant that partner users belong to."""

    TENANT_PATH = "pk"

    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    website_domain = models.CharField(max_length=253, blank=True, db_index=True)
    partner_type = models.CharField(max_length=30, choices=PartnerType.choices)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="partners")
    status = models.CharField(max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.ONBOARDING)
    country = CountryField()
    region = models.CharField(max_length=10, choices=Region.choices)
    verticals = models.JSONField(default=list, blank=True)
    channel_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_partners",
        limit_choices_to={"role": "channel_manager"},
    )
    external_crm_id = models.CharField(max_length=64, blank=True, db_index=True)
    description = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    onboarding_progress = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Percent of onboarding steps done; kept by the onboarding service.",
    )
    joined_at = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager.from_queryset(PartnerQuerySet)()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["tier", "status"], name="partner_tier_status_idx"),
            models.Index(fields=["partner_type"], name="partner_type_idx"),
            models.Index(fields=["region"], name="partner_region_idx"),
            models.Index(fields=["channel_manager"], name="partner_manager_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:detail", args=[self.pk])

    @property
    def vertical_labels(self) -> list[str]:
        labels = dict(Vertical.choices)
        return [labels.get(v, v) for v in self.verticals]


class TierChange(models.Model):
    """One move of a partner between tiers: the tier history shown to both sides."""

    TENANT_PATH = "partner_id"

    class Kind(models.TextChoices):
        PROMOTION = "promotion", "Promotion"
        DEMOTION = "demotion", "Demotion"
        ASSIGNMENT = "assignment", "Initial assignment"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.partner}: {self.from_tier or '-'} -> {self.to_tier}"
