"""Commissions: plans and rules, spiffs and contests, the commission ledger, payout batches.

Aggregate roots:
- CommissionPlan: the rules for one partner type. CommissionRule rows are effective-dated
  (valid_from..valid_to, both inclusive): the rule in force at a deal's close date applies, and a rate
  change closes the old rule and adds a new one, so entries already made never change.
- Spiff: a time-boxed bonus (extra rate or flat amount) with eligibility by tier, partner type, product
  and minimum deal size. Contest: "most deals of at least X in a period earns +rate on all its
  commissions of that period"; open > resolved (by beat when the period has closed).
- CommissionEntry: the append-only ledger (kind commission, spiff, clawback, adjustment);
  pending > approved > batched > paid. Corrections are new entries (clawback, adjustment), never edits.
- PayoutBatch: draft (submitted for approval by one finance user) > approved (by another) > paying > paid
  (docs/commissions-rules.md: four eyes on every payout batch).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from partners.models import PartnerType
from prm import badges, messages
from prm.money import CurrencyField, MoneyField, RateField
from prm.tenancy import TenantQuerySet
from prm.workflow import Workflow


class RuleKind(models.TextChoices):
    FIRST_YEAR = "first_year", _("Rate of first-year contract value")
    RECURRING = "recurring", _("Recurring rate per billing period")
    BOUNTY = "bounty", _("One-off bounty")


class CapPeriod(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class CommissionPlan(models.Model):
    """The commission plan of one partner type; its rules say the rates by tier over time."""

    name = models.CharField(max_length=120)
    partner_type = models.CharField(max_length=30, choices=PartnerType.choices, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partner_type"]

    def __str__(self):
        return self.name


class CommissionRule(models.Model):
    """One way a plan pays, for a tier range, in force from valid_from to valid_to (inclusive)."""

    plan = models.ForeignKey(CommissionPlan, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    min_tier = models.ForeignKey(
        "partners.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text=_("Empty: any.")
    )
    max_tier = models.ForeignKey(
        "partners.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text=_("Empty: any.")
    )
    rate = RateField(null=True, blank=True, validators=[MinValueValidator(0)])
    flat_amount = MoneyField(null=True, blank=True, validators=[MinValueValidator(0)])
    currency = CurrencyField(help_text=_("Currency of the flat amount and caps."))
    billing_months = models.PositiveSmallIntegerField(
        default=12, help_text=_("Recurring rules: months per billing period (1 monthly, 3 quarterly, 12 yearly).")
    )
    term_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Recurring rules: months paid; empty for the contract's lifetime.")
    )
    cap_per_entry = MoneyField(null=True, blank=True, validators=[MinValueValidator(0)])
    cap_per_partner_period = MoneyField(null=True, blank=True, validators=[MinValueValidator(0)])
    cap_period = models.CharField(max_length=10, choices=CapPeriod.choices, default=CapPeriod.QUARTER)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text=_("Last day in force; empty: open-ended."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "kind", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="commissions_rule_valid_range",
            ),
            models.CheckConstraint(
                condition=(Q(kind=RuleKind.BOUNTY) & Q(flat_amount__isnull=False))
                | (~Q(kind=RuleKind.BOUNTY) & Q(rate__isnull=False)),
                name="commissions_rule_has_amount",
            ),
            models.CheckConstraint(condition=Q(billing_months__in=[1, 3, 6, 12]), name="commissions_rule_billing"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.name}"

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def covers_tier(self, tier) -> bool:
        return (self.min_tier is None or tier.rank >= self.min_tier.rank) and (
            self.max_tier is None or tier.rank <= self.max_tier.rank
        )


class SpiffKind(models.TextChoices):
    EXTRA_RATE = "extra_rate", _("Extra rate of the deal amount")
    FLAT = "flat", _("Flat amount per deal")


class Spiff(models.Model):
    """A time-boxed bonus on won deals closed between starts_on and ends_on (inclusive)."""

    # What a spiff pays and when, in the order its form and the admin list show them.
    TERMS = ("name", "kind", "rate", "flat_amount", "currency", "starts_on", "ends_on")

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=SpiffKind.choices)
    rate = RateField(null=True, blank=True, validators=[MinValueValidator(0)])
    flat_amount = MoneyField(null=True, blank=True, validators=[MinValueValidator(0)])
    currency = CurrencyField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    min_tier = models.ForeignKey(
        "partners.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text=_("Empty: any.")
    )
    partner_types = models.JSONField(default=list, blank=True, help_text=_("Partner types; empty: every type."))
    products = models.JSONField(default=list, blank=True, help_text=_("Products (case-insensitive); empty: any."))
    min_deal_amount = MoneyField(default=0, validators=[MinValueValidator(0)])
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="commissions_spiff_range"),
            models.CheckConstraint(
                condition=(Q(kind=SpiffKind.FLAT) & Q(flat_amount__isnull=False))
                | (Q(kind=SpiffKind.EXTRA_RATE) & Q(rate__isnull=False)),
                name="commissions_spiff_has_amount",
            ),
        ]

    def __str__(self):
        return self.name


class ContestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Contest(models.Model):
    """Most won deals of at least min_deal_amount closed in `period` wins +bonus_rate on its commissions of it."""

    name = models.CharField(max_length=120)
    period = models.CharField(max_length=7, help_text=_("2026-Q4 or 2026-11."))
    min_deal_amount = MoneyField(validators=[MinValueValidator(0)])
    bonus_rate = RateField(validators=[MinValueValidator(0)])
    currency = CurrencyField()
    status = models.CharField(max_length=10, choices=ContestStatus.choices, default=ContestStatus.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period", "id"]

    def __str__(self):
        return f"{self.name} ({self.period})"

    def get_absolute_url(self):
        return reverse("commissions:contest", args=[self.pk])


class PartnerAdminQuerySet(TenantQuerySet):
    """Earnings are the partner admins' (the API doc: partner admin own): other partner users see none."""

    def visible_to(self, user):
        if access.is_partner_user(user) and not access.is_partner_admin(user):
            return self.none()
        return super().visible_to(user)


class ContestWinner(models.Model):
    TENANT_PATH = "partner_id"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="winners")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    deals = models.PositiveIntegerField()

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "partner"], name="commissions_contest_winner")]

    def __str__(self):
        return f"{self.contest}: partner {self.partner_id}"


class EntryKind(models.TextChoices):
    COMMISSION = "commission", _("Commission")
    SPIFF = "spiff", _("Spiff")
    CLAWBACK = "clawback", _("Clawback")
    ADJUSTMENT = "adjustment", _("Adjustment")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    BATCHED = "batched", _("Batched")
    PAID = "paid", _("Paid")


ENTRY_WORKFLOW = Workflow(
    {
        EntryStatus.PENDING: {EntryStatus.APPROVED},
        EntryStatus.APPROVED: {EntryStatus.BATCHED},
        EntryStatus.BATCHED: {EntryStatus.PAID},
    }
)


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PAYING = "paying", _("Paying")
    PAID = "paid", _("Paid")


BATCH_WORKFLOW = Workflow(
    {
        BatchStatus.DRAFT: {BatchStatus.APPROVED},
        BatchStatus.APPROVED: {BatchStatus.PAYING},
        BatchStatus.PAYING: {BatchStatus.PAID},
    }
)


class PayoutBatch(models.Model):
    """One partner's approved entries in one currency, paid together after a second finance user approves."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="payout_batches")
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT, db_index=True)
    total = MoneyField()
    currency = CurrencyField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Four eyes (docs/commissions-rules.md): one finance user submits, a different one approves. Both kept
    # (PROTECT) so the constraints below always hold and the record of who let money out never thins.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    payout_file = models.TextField(blank=True, help_text=_("The CSV the accounts-payable system imports."))
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerAdminQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "payout batch"
        verbose_name_plural = "payout batches"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.PAID) | Q(paid_at__isnull=False), name="commissions_batch_paid_at"
            ),
            # An approved batch has a submitter and an approver, and they are two different people.
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.APPROVED) | Q(submitted_by__isnull=False, approved_by__isnull=False),
                name="commissions_batch_approved_submitted",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | Q(submitted_by__isnull=True)
                | ~Q(approved_by=models.F("submitted_by")),
                name="commissions_batch_four_eyes",
            ),
        ]

    def __str__(self):
        return f"Payout batch {self.pk} ({self.partner_id})"

    def get_absolute_url(self):
        return reverse("commissions:batch", args=[self.pk])


class CommissionEntry(models.Model):
    """One line of the commission ledger. Amounts are rounded half-up once, here (docs/architecture.md: Money)."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="commission_entries")
    deal = models.ForeignKey(
        "deals.DealRegistration", null=True, blank=True, on_delete=models.PROTECT, related_name="commission_entries"
    )
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    rule = models.ForeignKey(CommissionRule, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    spiff = models.ForeignKey(Spiff, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    contest = models.ForeignKey(Contest, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="clawbacks", help_text=_("Clawbacks.")
    )
    cycle = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many times the deal was won and reverted before this entry.")
    )
    period_key = models.CharField(max_length=7, blank=True, help_text=_("Recurring rules: the billing period."))
    earned_on = models.DateField(help_text=_("The day it was earned: close date or billing period start."))
    base_amount = MoneyField()
    rate = RateField(null=True, blank=True)
    amount = MoneyField()
    currency = CurrencyField()
    description = models.CharField(max_length=255, blank=True)  # English, as written (the API's `description`)
    # The description as a message key and its values (prm/messages.py), rendered in the reader's language.
    description_key = models.JSONField(null=True, blank=True)
    description_params = models.JSONField(default=dict, db_default={}, blank=True)
    reason = models.TextField(blank=True)
    batch = models.ForeignKey(PayoutBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerAdminQuerySet.as_manager()

    class Meta:
        ordering = ["-earned_on", "-id"]
        verbose_name = "commission entry"
        verbose_name_plural = "commission entries"
        indexes = [
            models.Index(fields=["partner", "earned_on"], name="commissions_entry_partner_day"),
            models.Index(fields=["status", "partner"], name="commissions_entry_status"),
            models.Index(fields=["batch", "status"], name="commissions_entry_batch"),
        ]
        constraints = [
            # One entry per deal and rule (and billing period, and win): a replayed deal.won adds nothing.
            models.UniqueConstraint(
                fields=["deal", "rule", "period_key", "cycle"],
                condition=Q(kind="commission"),
                name="commissions_entry_deal_rule",
            ),
            models.UniqueConstraint(
                fields=["deal", "spiff", "cycle"], condition=Q(kind="spiff"), name="commissions_entry_deal_spiff"
            ),
            models.UniqueConstraint(
                fields=["contest", "partner"], condition=Q(contest__isnull=False), name="commissions_entry_contest"
            ),
            models.UniqueConstraint(
                fields=["original"], condition=Q(kind="clawback"), name="commissions_entry_one_clawback"
            ),
            models.CheckConstraint(
                condition=~Q(kind="commission") | (Q(rule__isnull=False) & Q(deal__isnull=False)),
                name="commissions_entry_commission_has_rule",
            ),
            models.CheckConstraint(
                condition=~Q(kind="clawback") | (Q(original__isnull=False) & Q(amount__lte=0)),
                name="commissions_entry_clawback_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["batched", "paid"]) | Q(batch__isnull=False),
                name="commissions_entry_batched_has_batch",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="commissions_entry_paid_at"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency} ({self.pk})"

    @property
    def shown_description(self) -> str:
        """The description in the active language; an entry written before keys shows its stored text."""
        if self.description_key:
            return messages.render(self.description_key, self.description_params)
        return self.description


class PayoutRelease(models.Model):
    """Finance released the held payouts of a terminated partner (docs/partner-status.md): from then on its
    approved entries are batched and paid again. One per partner; suspension holds end with reinstatement."""

    TENANT_PATH = "partner_id"

    partner = models.OneToOneField("partners.Partner", on_delete=models.PROTECT, related_name="payout_release")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerAdminQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Payout release for partner {self.partner_id}"


# The commission-<status> colours are in static/css/portal.css.
badges.register(
    CommissionEntry,
    PayoutBatch,
    colours={status: f"commission-{status}" for status in {*EntryStatus.values, *BatchStatus.values}},
)
