"""Joint business plans: one per partner and quarter, with check-ins."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models.organisation import Partner
from prm.money import CurrencyField, MoneyField
from prm.tenancy import TenantManager

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
