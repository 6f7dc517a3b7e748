"""Onboarding: the checklist by partner type (OnboardingStep, OnboardingCompletion) and the partner agreement
and its acceptances."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models.organisation import Partner
from prm.tenancy import TenantManager

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
