"""Partner organisations and the tiers of the program: Partner (status onboarding -> active -> suspended |
terminated; at risk between two tier reviews), Tier (ranked, with requirements measured over the trailing
12 months, and benefits) and TierChange (every change of a partner's tier)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from prm.tenancy import TenantManager, TenantQuerySet


class PartnerType(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    RESELLER = "reseller", _("Reseller (VAR)")
    SYSTEMS_INTEGRATOR = "systems_integrator", _("Systems integrator")
    MSP = "msp", _("Managed service provider")
    ISV = "isv", _("ISV / technology")
    OEM = "oem", _("OEM / white-label")
    CLOUD_MARKETPLACE = "cloud_marketplace", _("Cloud / marketplace")
    AFFILIATE = "affiliate", _("Affiliate")


class PartnerStatus(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class Region(models.TextChoices):
    NORTH_AMERICA = "na", _("North America")
    LATIN_AMERICA = "latam", _("Latin America")
    EMEA = "emea", _("Europe, Middle East and Africa")
    APAC = "apac", _("Asia-Pacific")


class Vertical(models.TextChoices):
    FINANCIAL_SERVICES = "financial_services", _("Financial services")
    HEALTHCARE = "healthcare", _("Healthcare")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    RETAIL = "retail", _("Retail")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    EDUCATION = "education", _("Education")
    TECHNOLOGY = "technology", _("Technology")
    TELECOM = "telecom", _("Telecommunications")
    ENERGY = "energy", _("Energy and utilities")
    PROFESSIONAL_SERVICES = "professional_services", _("Professional services")


class Specialisation(models.TextChoices):
    """What a partner says it is good at (its directory listing; lead routing matches leads on it)."""

    CLOUD_MIGRATION = "cloud_migration", _("Cloud migration")
    SECURITY = "security", _("Security")
    DATA_ANALYTICS = "data_analytics", _("Data and analytics")
    INTEGRATION = "integration", _("Integration")
    MANAGED_SERVICES = "managed_services", _("Managed services")
    TRAINING = "training", _("Training")
    IMPLEMENTATION = "implementation", _("Implementation")
    SUPPORT = "support", _("Support")


class TierQuerySet(models.QuerySet):
    def ranked(self):
        return self.order_by("rank")


class Tier(models.Model):
    """A level of the program. Every partner sees the tiers, so Tier has no tenancy."""

    name = models.CharField(max_length=50, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text=_("0 is the entry tier; higher is better."))
    description = models.TextField(blank=True)
    # Benefits (docs/program-terms.md). The tier holds no copies of commission, MDF or protection: those are
    # derived from the rules that apply them (partners/program_terms.py, docs/program-terms.md).
    advisory_board_eligible = models.BooleanField(default=False)
    # The directory and lead routing read these two (docs/directory.md): listed in the public partner locator,
    # and the weight of the partner in automatic lead routing (0: receives no routed leads).
    directory_listing = models.BooleanField(default=False, db_default=False)
    lead_routing_weight = models.PositiveSmallIntegerField(default=0, db_default=0)
    extra_benefits = models.JSONField(default=list, blank=True, help_text=_("Further benefits as short phrases."))

    objects = TierQuerySet.as_manager()

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name


class RequirementMetric(models.TextChoices):
    """What a tier requirement measures, over the trailing 12 months (docs/tiers.md)."""

    SOURCED_BOOKINGS = "sourced_bookings", _("Partner-sourced bookings")
    SALES_CERTIFIED = "sales_certified_people", _("People with a sales certification")
    TECHNICAL_CERTIFIED = "technical_certified_people", _("People with a technical certification")
    REGISTERED_DEALS = "registered_deals", _("Registered deals")
    REFERENCE_IMPLEMENTATIONS = "reference_implementations", _("Reference implementations")
    SCORECARD_SCORE = "scorecard_score", _("Scorecard score")


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
    # What the partner says it does and speaks (its directory listing and lead routing match on these).
    specialisations = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
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
        help_text=_("Percent of onboarding steps done; kept by the onboarding service."),
    )
    onboarding_activity_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the last onboarding step was done (stalled-onboarding reminders).")
    )
    onboarding_reminded_at = models.DateTimeField(null=True, blank=True)
    # Tier review (docs/tiers.md): flagged at one review, demoted at the next if still short.
    at_risk_since = models.DateField(null=True, blank=True)
    at_risk_review = models.ForeignKey(
        "partners.TierReview", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
        PROMOTION = "promotion", _("Promotion")
        DEMOTION = "demotion", _("Demotion")
        ASSIGNMENT = "assignment", _("Initial assignment")

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
