"""Recruiting: Application (submitted -> in_review -> approved | rejected) scored on weighted OPP criteria into
a fit x willingness quadrant, and the OPP scores of existing partners."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts import access
from partners.models.organisation import Partner, PartnerType

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
    """Priority quadrant of fit x willingness."""

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
