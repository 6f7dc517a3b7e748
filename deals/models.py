"""Deal registration: customer accounts, registrations, leads passed to partners, influence records.

Aggregate roots:
- Account: one real customer (prospect, direct customer or open direct opportunity) with its
  blocking keys (AccountKey) for matching (docs/policy.md, rules 1, 4, 5).
- DealRegistration: draft > submitted > (approved | pending_review | rejected) > won | lost | expired;
  won > approved on reopen. At most one active holder (submitted, pending review or approved) per
  account (rule 2 and 7, backed by a partial unique constraint). Direct deals (no partner) live here
  too so influence can be recorded on them.
- Lead: new > assigned > accepted | declined | returned (declined and returned leads can be assigned again).
- Influence: a partner's endorsement, integration requirement or activity on any deal.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policy.selectors import protection_days
from prm import badges
from prm.models import ImportProgress
from prm.money import CurrencyField, MoneyField
from prm.tenancy import TenantManager, TenantQuerySet
from prm.workflow import Workflow


class AccountKind(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    DIRECT_CUSTOMER = "direct_customer", _("Direct customer")
    DIRECT_OPPORTUNITY = "direct_opportunity", _("Open direct opportunity")


DIRECT_KINDS = (AccountKind.DIRECT_CUSTOMER, AccountKind.DIRECT_OPPORTUNITY)
# The customer fields a registration and a lead share, in the order the API and the export list them.
CUSTOMER_FIELDS = ("customer_name", "customer_domain", "customer_country", "contact_name", "contact_email", "product")


class Account(models.Model):
    """One real customer. Internal data: partners only ever see their own registrations of it."""

    name = models.CharField(max_length=200)
    normalised_name = models.CharField(max_length=200, db_index=True)
    domain = models.CharField(max_length=253, blank=True, db_index=True, help_text=_("Normalised domain."))
    country = models.CharField(max_length=2)
    kind = models.CharField(max_length=20, choices=AccountKind.choices, default=AccountKind.PROSPECT)
    direct_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_accounts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["country", "normalised_name"], name="deals_account_country_name")]

    def __str__(self):
        return f"{self.name} ({self.country})"

    @property
    def is_direct(self) -> bool:
        return self.kind in DIRECT_KINDS


class AccountKey(models.Model):
    """A blocking key of an account (deals.matching.blocking_keys); the btree index makes a check read
    a handful of candidates, never the table."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "account"], name="deals_accountkey_key_account")]

    def __str__(self):
        return self.key


class DealStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PENDING_REVIEW = "pending_review", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    EXPIRED = "expired", _("Expired")


HOLDING_STATUSES = (DealStatus.SUBMITTED, DealStatus.PENDING_REVIEW, DealStatus.APPROVED)
REVIEW_STATUSES = (DealStatus.SUBMITTED, DealStatus.PENDING_REVIEW)
CLOSED_STATUSES = (DealStatus.REJECTED, DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED)
# The registrations the vendor accepted, whatever became of them since: a "registered deal" everywhere
# (docs/figures.md). Rejected ones (conflicts, duplicates, review rejections) never count.
ACCEPTED_STATUSES = (DealStatus.APPROVED, DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED)


class DealReason(models.TextChoices):
    CONFLICT = "conflict", _("Another registration holds this customer")
    DUPLICATE = "duplicate", _("Duplicate of your own registration")
    DIRECT_ACCOUNT = "direct_account", _("Existing direct customer or opportunity")
    POSSIBLE_MATCH = "possible_match", _("Possible match with a registered customer")
    # Another partner won the customer recently (docs/policy.md, "Incumbency"); the partner is never told who.
    INCUMBENT = "incumbent", _("An existing customer relationship is being checked")
    REVIEW_REJECTED = "review_rejected", _("Rejected by the channel manager")
    INFLUENCE_ONLY = "influence_only", _("Accepted as influence only")
    LEAD = "lead", _("Lead passed by the vendor")
    DISPUTE_REVERSED = "dispute_reversed", _("Reversed on a dispute")


class DealSource(models.TextChoices):
    PARTNER = "partner", _("Partner-sourced")
    DIRECT = "direct", _("Direct")


class DealType(models.TextChoices):
    NEW_BUSINESS = "new_business", _("New business")
    EXPANSION = "expansion", _("Expansion")
    RENEWAL = "renewal", _("Renewal")


class ExtensionStatus(models.TextChoices):
    NONE = "none", _("Not requested")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Declined")


# The one transition table of DealRegistration.status. Two edges re-decide a decided registration and belong
# to a dispute's reversal only (deals.registration.reversal): the disputed rejected registration is approved,
# the approved holder that loses is rejected. Everything else (review, lifecycle, leads) uses DEAL_WORKFLOW,
# which leaves them out, so the deal API can never approve a rejected registration or reject an approved one.
DEAL_TRANSITIONS = {
    DealStatus.DRAFT: {DealStatus.SUBMITTED, DealStatus.PENDING_REVIEW, DealStatus.REJECTED, DealStatus.APPROVED},
    DealStatus.SUBMITTED: {DealStatus.APPROVED, DealStatus.REJECTED},
    DealStatus.PENDING_REVIEW: {DealStatus.APPROVED, DealStatus.REJECTED},
    DealStatus.APPROVED: {DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED, DealStatus.REJECTED},
    DealStatus.WON: {DealStatus.APPROVED},
    DealStatus.REJECTED: {DealStatus.APPROVED},
}
REVERSAL_ONLY = {(DealStatus.REJECTED, DealStatus.APPROVED), (DealStatus.APPROVED, DealStatus.REJECTED)}
REVERSAL_WORKFLOW = Workflow(DEAL_TRANSITIONS)
DEAL_WORKFLOW = Workflow(
    {
        state: {target for target in targets if (state, target) not in REVERSAL_ONLY}
        for state, targets in DEAL_TRANSITIONS.items()
    }
)


class DealRegistrationQuerySet(TenantQuerySet):
    def holding(self):
        return self.filter(status__in=HOLDING_STATUSES, partner__isnull=False)

    def awaiting_review(self):
        return self.filter(status__in=REVIEW_STATUSES, source=DealSource.PARTNER)

    def partner_sourced(self):
        """Deals the partner found itself: its registrations, never a deal made by accepting a lead the
        vendor passed (vendor-sourced, partner-worked; docs/figures.md). Every sourced figure starts here."""
        return self.filter(~Exists(Lead.objects.filter(deal_id=OuterRef("pk"))), source=DealSource.PARTNER)

    def registered(self):
        """Registered deals: partner-sourced registrations the vendor accepted (approved, won, lost,
        expired), dated by the decision (decided_at; docs/figures.md)."""
        return self.partner_sourced().filter(status__in=ACCEPTED_STATUSES)


class DealRegistration(models.Model):
    """A partner's claim on a customer opportunity, or a direct deal (no partner) to record influence on."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="deal_registrations"
    )
    source = models.CharField(max_length=10, choices=DealSource.choices, default=DealSource.PARTNER)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="registrations")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_name = models.CharField(max_length=200)
    customer_domain = models.CharField(max_length=253, blank=True)
    customer_country = models.CharField(max_length=2)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    product = models.CharField(max_length=200, blank=True)
    deal_type = models.CharField(max_length=20, choices=DealType.choices, default=DealType.NEW_BUSINESS)
    amount = MoneyField(validators=[MinValueValidator(0)])
    currency = CurrencyField()
    expected_close_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    # The MDF activity that sourced the deal (deals.sourcing): pipeline and bookings per MDF dollar.
    mdf_request = models.ForeignKey(
        "mdf.MdfRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="sourced_deals"
    )

    status = models.CharField(max_length=20, choices=DealStatus.choices, default=DealStatus.DRAFT, db_index=True)
    reason = models.CharField(max_length=20, choices=DealReason.choices, blank=True)
    decision_note = models.TextField(blank=True)
    lost_reason = models.TextField(blank=True)
    protected_until = models.DateField(null=True, blank=True, db_index=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    conflict_with = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    match_evidence = models.JSONField(default=list, blank=True)
    # The rules-of-engagement version the registration was decided under (docs/policy.md); never rewritten.
    policy_version = models.ForeignKey(
        "policy.RoePolicy", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    extension_status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.NONE)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The deal's id in the CRM it was imported from (deals.history_import): re-imports skip it.
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)

    objects = TenantManager.from_queryset(DealRegistrationQuerySet)()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deal")
        indexes = [
            models.Index(fields=["partner", "status"], name="deals_reg_partner_status"),
            models.Index(fields=["account", "status"], name="deals_reg_account_status"),
        ]
        constraints = [
            # First to register wins (rules 2 and 7): one active holder per customer account.
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=["submitted", "pending_review", "approved"], partner__isnull=False),
                name="deals_one_active_holder_per_account",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="deals_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(source="direct", partner__isnull=True) | Q(source="partner", partner__isnull=False),
                name="deals_partner_iff_partner_sourced",
            ),
        ]

    def __str__(self):
        return f"Deal {self.pk}: {self.customer_name}"

    def get_absolute_url(self):
        return reverse("deals:detail", args=[self.pk])

    @property
    def is_direct(self) -> bool:
        return self.source == DealSource.DIRECT

    @property
    def own_protection_until(self):
        """Until when this registration protects the customer for its own partner: only while it holds
        protection (approved, end not passed). A conflict's `protected_until` is the other partner's
        protection (`customer_protected_until`); a lost, won or expired deal keeps a stale date. Every page
        reads a deal's own protection here, never `protected_until` itself."""
        today = timezone.localdate()
        if self.status != DealStatus.APPROVED or self.protected_until is None or self.protected_until < today:
            return None
        return self.protected_until

    @property
    def customer_protected_until(self):
        """For a registration rejected as a conflict: until when the holder (another partner) protects the
        customer. Shown only in the conflict explanation."""
        if self.status == DealStatus.REJECTED and self.reason == DealReason.CONFLICT:
            return self.protected_until
        return None

    @property
    def awaits_decision(self) -> bool:
        """A channel manager may approve, reject or accept it as influence (deals/registration/review.py)."""
        return self.status in REVIEW_STATUSES

    @property
    def extension_awaits_decision(self) -> bool:
        """Its one extension request waits for a channel manager: only an approved deal's (the state check
        of `decide_extension`; pages offer the decision only then)."""
        return self.extension_status == ExtensionStatus.REQUESTED and self.status == DealStatus.APPROVED

    @property
    def days_left(self) -> int | None:
        until = self.own_protection_until
        return None if until is None else (until - timezone.localdate()).days

    def protection_end_estimate(self):
        """Until when this registration blocks others: its protection, or for one still in review the
        protection it would get if approved today."""
        if self.protected_until:
            return self.protected_until

        return timezone.localdate() + timedelta(days=protection_days(self.partner.tier_id))


class DealReminder(models.Model):
    """An expiry reminder sent once per deal and kind (beat runs are idempotent)."""

    TENANT_PATH = "deal__partner_id"

    deal = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    protected_until = models.DateField(help_text=_("The protection end the reminder was about."))
    sent_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deal", "days_before", "protected_until"], name="deals_reminder_once")
        ]

    def __str__(self):
        return f"{self.days_before}-day reminder for deal {self.deal_id}"


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    RETURNED = "returned", _("Returned (SLA missed)")


LEAD_WORKFLOW = Workflow(
    {
        LeadStatus.NEW: {LeadStatus.ASSIGNED},
        LeadStatus.ASSIGNED: {LeadStatus.ACCEPTED, LeadStatus.DECLINED, LeadStatus.RETURNED},
        LeadStatus.DECLINED: {LeadStatus.ASSIGNED},
        LeadStatus.RETURNED: {LeadStatus.ASSIGNED},
    }
)


class LeadSource(models.TextChoices):
    """Where a lead came from (analytics attributes pipeline by it: docs/directory.md)."""

    VENDOR = "vendor", _("Vendor-passed")
    DIRECTORY = "directory", _("Partner directory")


class Lead(models.Model):
    """A customer opportunity a channel manager passes to a partner (accepted within the SLA or returned)."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    # None for a lead a visitor sent through the public directory.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer_name = models.CharField(max_length=200)
    customer_domain = models.CharField(max_length=253, blank=True)
    customer_country = models.CharField(max_length=2)
    source = models.CharField(
        max_length=10, choices=LeadSource.choices, default=LeadSource.VENDOR, db_default="vendor", db_index=True
    )
    # Routed by the routing rules (deals/routing.py): a lapse offers it to the next partner, up to the rule's hops.
    routed = models.BooleanField(default=False, db_default=False)
    specialisation = models.CharField(max_length=60, blank=True, db_default="")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    product = models.CharField(max_length=200, blank=True)
    amount = MoneyField(default=0, validators=[MinValueValidator(0)])
    currency = CurrencyField()
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW, db_index=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    accept_by = models.DateTimeField(null=True, blank=True, db_index=True)
    decline_reason = models.TextField(blank=True)
    # The customer was protected by a partner's registration when the lead was assigned, so the partner
    # could not accept it; a lapse then never counts against the partner (docs/policy.md, "Leads for
    # protected customers"). Set at each assignment.
    customer_protected = models.BooleanField(default=False, db_default=False)
    # The current assignment lapsed while the partner could not accept the lead: not counted against it.
    lapse_excused = models.BooleanField(default=False, db_default=False)
    deal = models.OneToOneField(DealRegistration, null=True, blank=True, on_delete=models.SET_NULL, related_name="lead")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deals_lead_amount_not_negative"),
        ]

    def __str__(self):
        return f"Lead {self.pk}: {self.customer_name}"


class LeadReturn(models.Model):
    """A lead a partner did not accept within the SLA (docs/sla.md: counted against its responsiveness).

    The lead itself moves on to the next partner when it is assigned again; this row keeps the miss with
    the partner that missed it, so re-assigning never erases it from the partner's lead acceptance."""

    TENANT_PATH = "partner_id"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="returns")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="lead_returns")
    assigned_at = models.DateTimeField()
    returned_at = models.DateTimeField(default=timezone.now)
    # The customer was protected by a partner's registration, so the lead could not be accepted: the miss
    # is kept for the record but never counted against the partner (docs/policy.md).
    excused = models.BooleanField(default=False, db_default=False)

    objects = TenantManager()

    class Meta:
        ordering = ["-returned_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "assigned_at"], name="deals_leadreturn_once_per_assignment")
        ]
        indexes = [models.Index(fields=["partner", "assigned_at"], name="deals_leadreturn_partner")]

    def __str__(self):
        return f"Lead {self.lead_id} returned by partner {self.partner_id}"


class InfluenceKind(models.TextChoices):
    ENDORSEMENT = "endorsement", _("Endorsement")
    INTEGRATION_REQUIREMENT = "integration_requirement", _("Integration requirement")
    ACTIVE_IN_SALE = "active_in_sale", _("Active in sale")


class Influence(models.Model):
    """A partner influenced a deal it did not (or not only) source: analytics splits sourced from influenced."""

    TENANT_PATH = "partner_id"

    deal = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="influences")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="influences")
    kind = models.CharField(max_length=30, choices=InfluenceKind.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["deal", "partner", "kind"], name="deals_influence_once")]

    def __str__(self):
        return f"{self.get_kind_display()} on deal {self.deal_id}"


class AccountImport(ImportProgress):
    """One CSV import of direct accounts, with its progress and row-by-row errors."""

    created_at = models.DateTimeField(default=timezone.now)

    class Meta(ImportProgress.Meta):
        pass

    def __str__(self):
        return f"Import {self.pk} ({self.file_name})"

    @property
    def progress(self) -> int:
        return 100 if not self.total_rows else int(self.processed_rows * 100 / self.total_rows)


badges.register(
    DealRegistration,
    colours={
        DealStatus.APPROVED: "text-bg-success",
        DealStatus.WON: "text-bg-success",
        DealStatus.REJECTED: "text-bg-secondary",
        DealStatus.LOST: "text-bg-secondary",
        DealStatus.EXPIRED: "text-bg-secondary",
        DealStatus.PENDING_REVIEW: "text-bg-warning",
    },
    default="text-bg-info",
    testid="deal-status",
)


from deals.models_routing import HopOutcome, LeadHop, RoutingRule, RoutingStrategy  # noqa: E402, F401 - one models module
