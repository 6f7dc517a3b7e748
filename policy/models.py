"""Rules of engagement as versioned policy (docs/policy.md).

One RoePolicy row is one version of the rules the portal once kept as settings: protection days per tier,
the extension, the match thresholds, how direct accounts are handled, the approval SLA and the
incumbency after a partner's win (docs/policy.md). A program
admin edits a draft, simulates it against the last 12 months of registrations, and publishes it with
an effective date. Published versions are never edited again; every registration decision records the
version it was decided under (deals.DealRegistration.policy_version), so a new version never rewrites
a past decision.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.tenancy import TenantManager


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
    # For this many days after a partner wins a customer, another partner's registration of it goes to
    # review as `incumbent` (docs/policy.md, "Incumbency"); 0 switches the rule off.
    incumbency_days = models.PositiveSmallIntegerField(default=365, db_default=365)
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

    def get_absolute_url(self):
        return reverse("policy:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == PolicyStatus.DRAFT

    def protection_days_for(self, tier_id) -> int:
        """Protection days of a tier under this version (tiers missing from the map: the default)."""
        days = (self.protection_days_by_tier or {}).get(str(tier_id)) if tier_id is not None else None
        return int(days) if days is not None else int(self.default_protection_days)

    # The rules besides the protection days per tier, in the order the API and the diff list them.
    RULE_FIELDS = (
        "default_protection_days",
        "extension_days",
        "match_threshold",
        "possible_match_threshold",
        "direct_account_handling",
        "approval_sla_business_days",
        "incumbency_days",
    )

    def rules(self) -> dict:
        """The comparable rules of this version (diffs, the simulation's staleness check, the API)."""
        return {
            "protection_days_by_tier": {
                str(k): int(v) for k, v in sorted((self.protection_days_by_tier or {}).items())
            },
            **{name: getattr(self, name) for name in self.RULE_FIELDS},
        }

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.rules(), sort_keys=True).encode()).hexdigest()[:16]


class SimulationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PolicySimulation(models.Model):
    """One replay of the last 12 months of registrations under a draft (policy.simulation)."""

    policy = models.ForeignKey(RoePolicy, on_delete=models.CASCADE, related_name="simulations")
    status = models.CharField(
        max_length=10, choices=SimulationStatus.choices, default=SimulationStatus.QUEUED, db_index=True
    )
    # The draft's rules when the simulation started: a later edit makes the result stale.
    fingerprint = models.CharField(max_length=16, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    partners_affected = models.PositiveIntegerField(default=0)
    # {"actual -> simulated": count, ...} and {"outcome": count} of the simulated decisions.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("policy simulation")
        verbose_name_plural = _("policy simulations")

    def __str__(self):
        return f"Simulation {self.pk} of v{self.policy.version}" if self.policy_id else f"Simulation {self.pk}"

    @property
    def progress(self) -> int:
        if self.status == SimulationStatus.DONE:
            return 100
        return 0 if not self.total else min(100, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (SimulationStatus.DONE, SimulationStatus.FAILED)

    @property
    def is_stale(self) -> bool:
        return self.fingerprint != self.policy.fingerprint()


class PolicySimulationChange(models.Model):
    """One registration whose decision would differ under the draft. Internal data (program staff only)."""

    TENANT_PATH = "partner_id"

    simulation = models.ForeignKey(PolicySimulation, on_delete=models.CASCADE, related_name="changes")
    deal = models.ForeignKey("deals.DealRegistration", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField()
    actual_outcome = models.CharField(max_length=40)
    actual_protection_days = models.PositiveSmallIntegerField(null=True, blank=True)
    simulated_outcome = models.CharField(max_length=40, db_index=True)
    simulated_protection_days = models.PositiveSmallIntegerField(null=True, blank=True)
    why = models.TextField(blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["simulation", "deal"], name="policy_simulation_change_once"),
        ]

    def __str__(self):
        return f"Deal {self.deal_id}: {self.actual_outcome} -> {self.simulated_outcome}"
