"""Rules of engagement as versioned policy (issue 12, item 3).

One RoePolicy row is one version of the rules DESIGN.md lists as settings: protection days per tier,
the extension, the match thresholds, how direct accounts are handled and the approval SLA. A program
admin edits a draft, simulates it against the last 12 months of registrations, and publishes it with
an effective date. Published versions are never edited again; every registration decision records the
version it was decided under (deals.DealRegistration.policy_version), so a new version never rewrites
a past decision.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class DirectAccountHandling(models.TextChoices):
    REVIEW = "review", _("Send to a channel manager for review")
    REJECT = "reject", _("Reject the registration")
    ALLOW = "allow", _("Treat like any other customer")


class RoePolicy(models.Model):
    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT, db_index=True)
    notes = models.TextField(blank=True)
    # {"<tier id>": days}; tiers missing from the map get default_protection_days.
    protection_days_by_tier = models.JSONField(default=dict, blank=True)
    default_protection_days = models.PositiveSmallIntegerField(default=90)
    extension_days = models.PositiveSmallIntegerField(default=30)
    match_threshold = models.PositiveSmallIntegerField(default=90)
    possible_match_threshold = models.PositiveSmallIntegerField(default=80)
    direct_account_handling = models.CharField(
        max_length=10, choices=DirectAccountHandling.choices, default=DirectAccountHandling.REVIEW
    )
    approval_sla_business_days = models.PositiveSmallIntegerField(default=2)
    effective_from = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("rules of engagement policy")
        verbose_name_plural = _("rules of engagement policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(possible_match_threshold__lte=models.F("match_threshold")),
                name="policy_possible_below_match",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(effective_from__isnull=False),
                name="policy_published_has_effective_date",
            ),
        ]

    def __str__(self):
        return f"v{self.version}"
