"""Lead routing rules the program admin edits, and each hop of a routed lead (docs/directory.md, "Routing").

A rule matches a lead on country, specialisation, product and deal size, narrows the partners by region and
type, and picks one of them by tier weight, round robin or spare capacity among those whose measured lead
acceptance is high enough. A hop is one offer of a lead to one partner: accepted, declined, or lapsed (then the
lead is reclaimed and offered to the next partner, at most `max_hops` times, then it goes to the manager)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.money import CurrencyField, MoneyField
from prm.tenancy import TenantManager


class RoutingStrategy(models.TextChoices):
    TIER_WEIGHT = "tier_weight", _("Tier weight")
    ROUND_ROBIN = "round_robin", _("Round robin")
    CAPACITY = "capacity", _("Most spare capacity")


class RoutingRuleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class RoutingRule(models.Model):
    """One routing rule; active rules are tried by priority (lowest first), the first that matches routes."""

    name = models.CharField(max_length=120)
    priority = models.PositiveSmallIntegerField(default=100)
    status = models.CharField(max_length=10, choices=RoutingRuleStatus.choices, default=RoutingRuleStatus.DRAFT)
    # What the lead must be (empty: any).
    countries = models.JSONField(default=list, blank=True, help_text=_("ISO country codes of the customer."))
    specialisations = models.JSONField(default=list, blank=True)
    products = models.JSONField(default=list, blank=True)
    min_amount = MoneyField(null=True, blank=True, validators=[MinValueValidator(0)])
    max_amount = MoneyField(null=True, blank=True, validators=[MinValueValidator(0)])
    currency = CurrencyField(help_text=_("The currency of the deal-size bounds."))
    # Which partners may receive it (empty: any).
    regions = models.JSONField(default=list, blank=True)
    partner_types = models.JSONField(default=list, blank=True)
    same_country = models.BooleanField(default=True, help_text=_("Only partners in the customer's country."))
    # How one is picked.
    strategy = models.CharField(max_length=12, choices=RoutingStrategy.choices, default=RoutingStrategy.TIER_WEIGHT)
    capacity = models.PositiveSmallIntegerField(default=10, help_text=_("Open leads per partner at most (0: no cap)."))
    min_acceptance = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Measured lead acceptance at least (0 to 1); partners without leads yet qualify."),
    )
    sla_hours = models.PositiveSmallIntegerField(default=72, validators=[MinValueValidator(1), MaxValueValidator(720)])
    max_hops = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(10)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__isnull=True)
                | models.Q(max_amount__isnull=True)
                | models.Q(min_amount__lte=models.F("max_amount")),
                name="deals_routingrule_amount_range",
            )
        ]

    def __str__(self):
        return self.name


class HopOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for the partner")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Lapsed (reclaimed)")


class LeadHop(models.Model):
    """One offer of a routed lead to one partner; the lapse stays with that partner (deals.LeadReturn)."""

    TENANT_PATH = "partner_id"

    lead = models.ForeignKey("deals.Lead", on_delete=models.CASCADE, related_name="hops")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="lead_hops")
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="hops")
    number = models.PositiveSmallIntegerField()
    routed_at = models.DateTimeField(default=timezone.now)
    accept_by = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=HopOutcome.choices, default=HopOutcome.PENDING)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["lead_id", "number"]
        constraints = [models.UniqueConstraint(fields=["lead", "number"], name="deals_leadhop_once_per_number")]
        indexes = [models.Index(fields=["partner", "routed_at"], name="deals_leadhop_partner")]

    def __str__(self):
        return f"Lead {self.lead_id} hop {self.number} to partner {self.partner_id}"
