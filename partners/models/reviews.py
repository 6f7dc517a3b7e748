"""Tier engine inputs and reviews: reference implementations, tier reviews (one per quarter; one outcome per
partner) and tier overrides (a channel manager's reasoned exception)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models.organisation import Partner, Tier
from partners.models.recruiting import InternalOnlyQuerySet
from prm.tenancy import TenantManager

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
