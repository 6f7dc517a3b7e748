"""Partner organisations, the tiers of the program, and the partner lifecycle.

Aggregate roots: Partner (status onboarding -> active -> suspended | terminated; tier changes recorded
as TierChange rows; at risk between two tier reviews), Tier (ranked; requirements measured over the
trailing 12 months; benefits), Application (submitted -> in_review -> approved | rejected; scored on
weighted OPP criteria into a fit x willingness quadrant), OnboardingStep / OnboardingCompletion (the
checklist by partner type), JointBusinessPlan (one per partner and quarter, with check-ins), TierReview
(one per quarter; one outcome per partner) and TierOverride (a channel manager's reasoned exception).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts import access
from prm.money import CurrencyField, MoneyField
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
    extra_benefits = models.JSONField(default=list, blank=True, help_text=_("Further benefits as short phrases."))

    objects = TierQuerySet.as_manager()

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name


class RequirementMetric(models.TextChoices):
    """What a tier requirement measures, over the trailing 12 months (DESIGN.md: Tiers)."""

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
    # Tier review (DESIGN.md: Tiers): flagged at one review, demoted at the next if still short.
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


# --- Recruiting: applications and OPP scoring --------------------------------------------------------


class InternalOnlyQuerySet(models.QuerySet):
    """Records only internal users see (applications, OPP criteria): partner users get nothing."""

    def visible_to(self, user):
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self if access.is_internal(user) else self.none()


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Quadrant(models.TextChoices):
    """Priority quadrant of fit x willingness (DESIGN.md: Applications and recruiting)."""

    RECRUIT_NOW = "recruit_now", _("Recruit now (high fit, high willingness)")
    NURTURE = "nurture", _("Nurture (high fit, low willingness)")
    OPPORTUNISTIC = "opportunistic", _("Opportunistic (low fit, high willingness)")
    DEPRIORITISE = "deprioritise", _("Deprioritise (low fit, low willingness)")


class Application(models.Model):
    """A company asking to join the program, from the public "Partner with us" form or the API."""

    company_name = models.CharField(max_length=200)
    website = models.CharField(max_length=300)
    website_domain = models.CharField(max_length=253, db_index=True)
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField()
    country = CountryField()
    partner_type = models.CharField(max_length=30, choices=PartnerType.choices)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    # Duplicate domains are flagged, never blocked (issue: applications).
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    matching_partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("An existing partner with the same domain."),
    )
    fit_score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    willingness_score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    quadrant = models.CharField(max_length=20, choices=Quadrant.choices, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    partner = models.OneToOneField(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = InternalOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="application_status_idx"),
            models.Index(fields=["quadrant"], name="application_quadrant_idx"),
        ]

    def __str__(self):
        return self.company_name

    def get_absolute_url(self):
        return reverse("partners_public:application", args=[self.pk])

    @property
    def is_duplicate(self) -> bool:
        return bool(self.duplicate_of_id or self.matching_partner_id)

    @property
    def is_open(self) -> bool:
        return self.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)


class CriterionGroup(models.TextChoices):
    FIT = "fit", _("Fit")
    WILLINGNESS = "willingness", _("Willingness to engage")


class OppCriterion(models.Model):
    """One weighted criterion of the optimal partner profile, scored 1-5; program admins edit them."""

    group = models.CharField(max_length=20, choices=CriterionGroup.choices)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    objects = InternalOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["group", "position", "id"]
        verbose_name = _("OPP criterion")
        verbose_name_plural = _("OPP criteria")
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="opp_criterion_name_once")]

    def __str__(self):
        return f"{self.get_group_display()}: {self.name}"


class OppScore(models.Model):
    """One criterion's 1-5 rating of an application or of an existing partner (exactly one of them)."""

    criterion = models.ForeignKey(OppCriterion, on_delete=models.CASCADE, related_name="scores")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="opp_scores"
    )
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="opp_scores")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = InternalOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=1, value__lte=5), name="opp_score_one_to_five"),
            models.CheckConstraint(
                condition=(
                    models.Q(application__isnull=False, partner__isnull=True)
                    | models.Q(application__isnull=True, partner__isnull=False)
                ),
                name="opp_score_one_subject",
            ),
            models.UniqueConstraint(
                fields=["application", "criterion"],
                condition=models.Q(application__isnull=False),
                name="opp_score_once_per_application",
            ),
            models.UniqueConstraint(
                fields=["partner", "criterion"],
                condition=models.Q(partner__isnull=False),
                name="opp_score_once_per_partner",
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.value}"


class PartnerOppAssessment(models.Model):
    """The OPP totals of an existing partner (the same scoring as applications)."""

    TENANT_PATH = "partner_id"

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="opp_assessment")
    fit_score = models.DecimalField(max_digits=4, decimal_places=2)
    willingness_score = models.DecimalField(max_digits=4, decimal_places=2)
    score = models.DecimalField(max_digits=4, decimal_places=2)
    quadrant = models.CharField(max_length=20, choices=Quadrant.choices)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField()

    objects = InternalOnlyQuerySet.as_manager()

    def __str__(self):
        return f"{self.partner}: {self.get_quadrant_display()}"


# --- Onboarding -------------------------------------------------------------------------------------


class OnboardingStepKind(models.TextChoices):
    """What completes a step: the six default kinds tick themselves; manual steps are ticked by people."""

    AGREEMENT = "agreement", _("Accept the partner agreement")
    PROFILE = "profile", _("Complete the company profile")
    TEAM = "team", _("Invite the team")
    COURSE = "course", _("Finish the onboarding course")
    BUSINESS_PLAN = "business_plan", _("Submit a joint business plan")
    FIRST_DEAL = "first_deal", _("Register a first deal")
    MANUAL = "manual", _("Ticked by the channel manager")


class OnboardingStep(models.Model):
    """One step of the onboarding checklist; `partner_types` empty means every type."""

    kind = models.CharField(max_length=20, choices=OnboardingStepKind.choices)
    title = models.CharField(max_length=150)
    description = models.CharField(max_length=500, blank=True)
    partner_types = models.JSONField(default=list, blank=True, help_text=_("Partner types it applies to; empty: all."))
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title

    def applies_to(self, partner_type: str) -> bool:
        return self.active and (not self.partner_types or partner_type in self.partner_types)


class OnboardingCompletion(models.Model):
    """A step a partner has done: who or what ticked it and when."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="onboarding_completions")
    step = models.ForeignKey(OnboardingStep, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=60, blank=True, help_text=_("The event or action that ticked it."))

    objects = TenantManager()

    class Meta:
        ordering = ["completed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["partner", "step"], name="onboarding_step_once")]

    def __str__(self):
        return f"{self.partner}: {self.step}"


class PartnerAgreement(models.Model):
    """A version of the partner agreement text; the newest published one is what partners accept."""

    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=150, default="Partner program agreement")
    body = models.TextField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"{self.title} v{self.version}"


class AgreementAcceptance(models.Model):
    """Who accepted which agreement version for a partner, when, and from which address."""

    TENANT_PATH = "partner_id"

    agreement = models.ForeignKey(PartnerAgreement, on_delete=models.PROTECT, related_name="acceptances")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreement_acceptances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["agreement", "partner"], name="agreement_accepted_once")]

    def __str__(self):
        return f"{self.partner} accepted v{self.agreement.version}"


# --- Joint business plans ---------------------------------------------------------------------------


class BusinessPlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    AGREED = "agreed", _("Agreed")


class JointBusinessPlan(models.Model):
    """Quarterly targets agreed between a partner and the vendor, with an owner on each side."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="business_plans")
    period = models.CharField(max_length=7, help_text=_("Quarter, e.g. 2026-Q4."))
    status = models.CharField(max_length=20, choices=BusinessPlanStatus.choices, default=BusinessPlanStatus.SUBMITTED)
    sourced_bookings_target = MoneyField(default=0)
    currency = CurrencyField()
    registered_deals_target = models.PositiveIntegerField(default=0)
    certified_people_target = models.PositiveIntegerField(default=0)
    co_marketing_activities_target = models.PositiveIntegerField(default=0)
    partner_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": ["partner_admin", "partner_user"]},
    )
    vendor_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": ["channel_manager", "program_admin"]},
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period"], name="business_plan_once_per_quarter"),
            models.CheckConstraint(condition=models.Q(sourced_bookings_target__gte=0), name="plan_target_positive"),
        ]

    def __str__(self):
        return f"{self.partner} plan {self.period}"

    def get_absolute_url(self):
        return reverse("partners:plan", args=[self.partner_id, self.pk])


class PlanCheckIn(models.Model):
    """A dated note on a plan's progress, by either side."""

    TENANT_PATH = "plan__partner_id"

    plan = models.ForeignKey(JointBusinessPlan, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField()
    co_marketing_activities_done = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Co-marketing activities run so far this quarter.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Check-in on {self.plan}"


# --- Tier engine inputs and reviews -----------------------------------------------------------------


class ReferenceImplementation(models.Model):
    """A customer reference a channel manager recorded for a partner (a tier requirement)."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="reference_implementations")
    customer_name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["partner", "completed_on"], name="reference_partner_date_idx")]

    def __str__(self):
        return f"{self.partner}: {self.customer_name}"


class TierReview(models.Model):
    """One quarterly review of every partner's tier; one per period, so a rerun changes nothing."""

    period = models.CharField(max_length=7, unique=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    evaluated_on = models.DateField(help_text=_("Requirements are measured over the 12 months before this day."))

    objects = InternalOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]

    def __str__(self):
        return f"Tier review {self.period}"

    def get_absolute_url(self):
        return reverse("partners:tier_review", args=[self.pk])


class ReviewAction(models.TextChoices):
    PROMOTE = "promote", _("Promoted")
    KEEP = "keep", _("Kept")
    FLAG_AT_RISK = "flag_at_risk", _("Flagged at risk")
    DEMOTE = "demote", _("Demoted")
    RECOVERED = "recovered", _("Back on track (at-risk flag cleared)")
    OVERRIDDEN = "overridden", _("Kept by a channel manager's override")


class TierReviewOutcome(models.Model):
    """What one review decided for one partner (unique per review and partner)."""

    TENANT_PATH = "partner_id"

    review = models.ForeignKey(TierReview, on_delete=models.CASCADE, related_name="outcomes")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tier_review_outcomes")
    from_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    qualified_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    measurements = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["partner__name", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "partner"], name="tier_review_outcome_once")]

    def __str__(self):
        return f"{self.review.period} {self.partner}: {self.action}"


class TierOverrideDecision(models.TextChoices):
    KEEP_TIER = "keep_tier", _("Keep the current tier at the next review (clears the at-risk flag)")
    CHANGE_TIER = "change_tier", _("Move to another tier now")


class TierOverride(models.Model):
    """A channel manager overriding the tier rules for one partner, with the reason recorded."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tier_overrides")
    decision = models.CharField(max_length=20, choices=TierOverrideDecision.choices)
    to_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_by_review = models.ForeignKey(
        TierReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="overrides_used"
    )

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.partner}: {self.get_decision_display()}"
