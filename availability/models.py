"""Private availability checks (docs/private-check.md).

The vendor's policy of the checks is versioned like the rules of engagement: a change is a new
AvailabilityPolicy row that takes effect at its `effective_from`, never an edit. The server's PSI key and the
precomputed setup messages of the big answer sets (vendor direct accounts, customers protected by a
registration) are kept here and rebuilt incrementally (nightly and on change), never per request.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DAILY_LIMIT = 5000


class WhoMayCheck(models.TextChoices):
    PARTNER_ADMINS = "partner_admins", _("Partner admins")
    PARTNER_USERS = "partner_users", _("All partner users")


class AvailabilityPolicy(models.Model):
    version = models.PositiveIntegerField(unique=True)
    enabled = models.BooleanField(default=False)
    who = models.CharField(max_length=20, choices=WhoMayCheck.choices, default=WhoMayCheck.PARTNER_ADMINS)
    show_dates = models.BooleanField(
        default=False, help_text=_("Results say until when another registration protects a customer.")
    )
    counts_only = models.BooleanField(
        default=False, help_text=_("Partners learn only how many prospects are in each answer, never which.")
    )
    daily_limit = models.PositiveIntegerField(default=DEFAULT_DAILY_LIMIT)
    effective_from = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("availability check policy")
        verbose_name_plural = _("availability check policies")
        constraints = [models.CheckConstraint(condition=models.Q(daily_limit__gte=1), name="availability_limit_pos")]

    def __str__(self):
        return f"v{self.version}"

    def rules(self) -> dict:
        return {
            "enabled": self.enabled,
            "who": self.who,
            "show_dates": self.show_dates,
            "counts_only": self.counts_only,
            "daily_limit": self.daily_limit,
        }


class ServerKey(models.Model):
    """The server's PSI key: one row, kept server-side only (never in an API answer)."""

    key = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"PSI key {self.pk}"


class SetupCategory(models.TextChoices):
    DIRECT = "direct", _("A vendor direct account")
    PROTECTED = "protected", _("Protected by another registration")


class PsiSetup(models.Model):
    """A precomputed PSI setup message of one answer set (one bucket of protection ends when dates are shown)."""

    category = models.CharField(max_length=20, choices=SetupCategory.choices)
    bucket = models.CharField(
        max_length=20, blank=True, help_text=_("Protection ends within this many days; empty: all.")
    )
    until = models.DateField(null=True, blank=True, help_text=_("The latest protection end in this bucket."))
    data = models.BinaryField()
    items = models.PositiveIntegerField(default=0)
    client_inputs = models.PositiveIntegerField(default=0)
    show_dates = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=64, blank=True, help_text=_("Digest of the items it was built from."))
    built_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    key = models.ForeignKey(ServerKey, on_delete=models.CASCADE, related_name="setups")

    class Meta:
        ordering = ["category", "bucket"]
        constraints = [models.UniqueConstraint(fields=["category", "bucket"], name="availability_setup_once")]

    def __str__(self):
        return f"{self.category}:{self.bucket or 'all'}"


class DailyUsage(models.Model):
    """Prospects a partner checked on one day: the daily limit is enforced on this row under a row lock."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    prospects = models.PositiveIntegerField(default=0)
    checks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "day"], name="availability_usage_once")]

    def __str__(self):
        return f"{self.partner_id} {self.day}: {self.prospects}"


class CheckRecord(models.Model):
    """One check, by size and time only: never a name, a domain or an answer."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    prospects = models.PositiveIntegerField()
    channel = models.CharField(max_length=10, default="web")
    seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Check of {self.prospects} by partner {self.partner_id}"
