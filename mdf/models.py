"""Market development funds: ledgers, not balances (docs/architecture.md: Money).

Aggregate roots and their states:
- `Fund`: one per partner, period and currency; `open` until it expires (MDF_FUND_EXPIRY_DAYS after
  the period ends), then `expired`. Every movement is an append-only `FundEntry`.
- `MdfRequest` (pre-approval): submitted > approved | rejected; approved > completed (claim paid) |
  lapsed (claim window passed, commitment released).
- `MdfClaim`: submitted > approved | rejected | info_requested; info_requested > submitted;
  approved > paid.
- `PartnerMdfAccess`: one per partner at most, who of its users request and claim MDF (everyone by default).
- `MdfAccrualRate`: per tier, the share of won deals accrued as MDF (the one rate applied and shown).

Ledger signs: every `FundEntry.amount` is positive; the kind says which way it moves money:
  accrued   = accrual - accrual_reversal          allocated = allocation
  committed = commitment - release - payment      paid      = payment       expired = expiry
  available = accrued + allocated - committed - paid - expired
The same figures are kept as running columns on `Fund`, written in the same transaction as each entry
under a row lock, so reading them is O(1); CheckConstraints keep `available >= 0` (funds can never be
overdrawn, whatever the code above them does) and `available` equal to its definition.
`claimed` (the part of `committed` under claims awaiting payment) is a running column only: it moves
when a claim is filed, rejected, approved for less, or paid.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm import badges, messages
from prm.models import StoredFile, private_upload_to
from prm.money import CurrencyField, MoneyField, RateField
from prm.tenancy import TenantManager


class FundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EXPIRED = "expired", _("Expired")


class Fund(models.Model):
    """A partner's MDF for one period and currency, with running figures kept beside its ledger."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="mdf_funds")
    period = models.CharField(max_length=7, help_text=_("2026-Q4 or 2026-11"))
    period_start = models.DateField()
    period_end = models.DateField(help_text=_("Last day of the period."))
    expires_at = models.DateField(help_text=_("Last day the fund can be committed; unspent money expires after it."))
    currency = CurrencyField()
    status = models.CharField(max_length=10, choices=FundStatus.choices, default=FundStatus.OPEN, db_index=True)
    accrued = MoneyField(default=0)
    allocated = MoneyField(default=0)
    committed = MoneyField(default=0)
    claimed = MoneyField(default=0)
    paid = MoneyField(default=0)
    expired = MoneyField(default=0)
    available = MoneyField(default=0)
    # What a reversed accrual could not take back because it was already committed or spent: owed back to
    # the fund, settled from money later released or added to it (docs/fx.md: MDF reversals).
    recovery_owed = MoneyField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["expires_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period", "currency"], name="mdf_one_fund_per_period"),
            models.CheckConstraint(condition=Q(available__gte=0), name="mdf_fund_available_not_negative"),
            models.CheckConstraint(
                condition=Q(
                    committed__gte=0,
                    claimed__gte=0,
                    paid__gte=0,
                    expired__gte=0,
                    allocated__gte=0,
                    recovery_owed__gte=0,
                ),
                name="mdf_fund_figures_not_negative",
            ),
            models.CheckConstraint(condition=Q(claimed__lte=F("committed")), name="mdf_fund_claimed_within_committed"),
            models.CheckConstraint(
                condition=Q(
                    available=F("accrued")
                    + F("allocated")
                    + F("recovery_owed")
                    - F("committed")
                    - F("paid")
                    - F("expired")
                ),
                name="mdf_fund_available_is_its_definition",
            ),
        ]
        indexes = [models.Index(fields=["partner", "status", "expires_at"], name="mdf_fund_open_idx")]

    def __str__(self):
        return f"MDF {self.period} {self.currency} ({self.partner_id})"

    @property
    def days_to_expiry(self) -> int:
        return (self.expires_at - timezone.localdate()).days


class EntryKind(models.TextChoices):
    ACCRUAL = "accrual", _("Accrual")
    ACCRUAL_REVERSAL = "accrual_reversal", _("Accrual reversal")
    ALLOCATION = "allocation", _("Discretionary allocation")
    COMMITMENT = "commitment", _("Commitment")
    RELEASE = "release", _("Release")
    PAYMENT = "payment", _("Payment")
    EXPIRY = "expiry", _("Expiry")
    RECOVERY_OWED = "recovery_owed", _("Recovery owed")
    RECOVERY = "recovery", _("Recovery")


# How each kind moves the running figures: {figure: sign}.
ENTRY_EFFECTS = {
    EntryKind.ACCRUAL: {"accrued": 1, "available": 1},
    EntryKind.ACCRUAL_REVERSAL: {"accrued": -1, "available": -1},
    EntryKind.ALLOCATION: {"allocated": 1, "available": 1},
    EntryKind.COMMITMENT: {"committed": 1, "available": -1},
    EntryKind.RELEASE: {"committed": -1, "available": 1},
    EntryKind.PAYMENT: {"committed": -1, "paid": 1},
    EntryKind.EXPIRY: {"expired": 1, "available": -1},
    # A reversed accrual whose money is already committed or spent: the accrual is taken back in full
    # (accrued falls) and the part that was not available is owed to the fund instead of overdrawing it.
    EntryKind.RECOVERY_OWED: {"accrued": -1, "recovery_owed": 1},
    # Money that becomes available in a fund that is owed a recovery settles the debt first.
    EntryKind.RECOVERY: {"recovery_owed": -1, "available": -1},
}


class FundEntry(models.Model):
    """One append-only movement of a fund. Never edited: corrections are new entries."""

    TENANT_PATH = "fund__partner_id"

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount = MoneyField(validators=[MinValueValidator(0)])
    currency = CurrencyField()
    reference = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    deal = models.ForeignKey(
        "deals.DealRegistration", null=True, blank=True, on_delete=models.PROTECT, related_name="mdf_entries"
    )
    request = models.ForeignKey(
        "mdf.MdfRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    claim = models.ForeignKey("mdf.MdfClaim", null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("fund entries")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="mdf_entry_amount_positive"),
            # One accrual per deal.won event (the handler may be redelivered).
            models.UniqueConstraint(
                fields=["reference"], condition=Q(kind="accrual"), name="mdf_one_accrual_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "kind"], name="mdf_entry_fund_kind"),
            models.Index(fields=["deal", "kind"], name="mdf_entry_deal_kind"),
            models.Index(fields=["request", "kind"], name="mdf_entry_request_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    def line_key(self) -> tuple[dict | None, dict]:
        """What this movement refers to, as a message key and its values (prm/messages.py): the `reference`
        column is a machine key ("request:9", "deal.won:12", "claim:4 paid") or a payment reference typed by
        finance; the page shows a sentence in the reader's language instead."""
        reference = self.reference or ""
        if reference.startswith("claim:") and self.request_id:
            claim = reference.split(":", 1)[1].split(" ", 1)[0]
            return messages.key_of(LINE_RELEASED_ON_PAYMENT), {"claim": claim, "request": str(self.request_id)}
        if self.kind == EntryKind.PAYMENT and self.claim_id:
            return messages.key_of(LINE_PAYMENT), {
                "claim": str(self.claim_id),
                "reference": messages.verbatim(reference),
            }
        if self.request_id:
            return messages.key_of(LINE_REQUEST), {"request": str(self.request_id)}
        if self.deal_id:
            return messages.key_of(LINE_DEAL), {"number": str(self.deal_id)}
        if reference in LINE_WORDS:
            return messages.key_of(LINE_WORDS[reference]), {}
        return None, {}

    @property
    def shown_reference(self) -> str:
        key, params = self.line_key()
        return messages.render(key, params) if key else self.reference


LINE_REQUEST = _("MDF request %(request)s")
LINE_DEAL = _("Deal %(number)s")
LINE_PAYMENT = _("Claim %(claim)s paid, reference %(reference)s")
LINE_RELEASED_ON_PAYMENT = _("Released when claim %(claim)s was paid (request %(request)s)")
LINE_WORDS = {"allocation": _("Allocation"), "expiry": _("Expired funds")}


class MdfRequesters(models.TextChoices):
    """Who of a partner's users may request and claim MDF (the API doc: MDF access)."""

    EVERYONE = "everyone", _("Every user of the partner")
    ADMINS_AND_MARKETING = "admins_and_marketing", _("Partner admins and marketing users only")


# The setting's name on the team page, in its form and API docs, and in the refusal that points to it.
MDF_ACCESS_SETTING_LABEL = _("Who requests and claims MDF")


class PartnerMdfAccess(models.Model):
    """A partner admin's choice of who requests and claims MDF for the partner; no row means everyone may."""

    TENANT_PATH = "partner_id"

    partner = models.OneToOneField("partners.Partner", on_delete=models.CASCADE, related_name="mdf_access")
    requesters = models.CharField(max_length=30, choices=MdfRequesters.choices, default=MdfRequesters.EVERYONE)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        verbose_name = _("MDF access setting")
        constraints = [
            models.CheckConstraint(
                condition=Q(requesters__in=["everyone", "admins_and_marketing"]), name="mdf_access_requesters_known"
            )
        ]

    def __str__(self):
        return f"{self.partner_id}: {self.requesters}"


class MdfAccrualRate(models.Model):
    """The share of a won deal's amount that accrues as MDF for partners of one tier (docs/program-terms.md).

    The accrual service (`mdf.services.accrue_for_won_deal`) reads it through `mdf.selectors.accrual_rate`,
    and so do the pages that tell partners their MDF: one number, applied and shown. A tier without a row
    accrues nothing."""

    tier = models.OneToOneField("partners.Tier", on_delete=models.CASCADE, related_name="mdf_accrual")
    rate = RateField(
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Share of won deal amounts accrued as MDF (0.0300 = 3 %)."),
    )

    class Meta:
        verbose_name = _("MDF accrual rate")
        constraints = [models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=1), name="mdf_accrual_rate_fraction")]

    def __str__(self):
        return f"{self.tier_id}: {self.rate}"


def default_reimbursement_rate():
    return Decimal(str(settings.MDF_DEFAULT_REIMBURSEMENT_RATE))


class ActivityType(models.Model):
    """The activity menu (program admins): what the vendor funds, the share it reimburses, the proof it needs."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    reimbursement_rate = RateField(
        default=default_reimbursement_rate,
        validators=[MinValueValidator(0)],
        help_text=_("Share of actual cost reimbursed (0.5000 = 50 %)."),
    )
    proof_required = models.CharField(
        max_length=300, blank=True, help_text=_("What the claim must include, e.g. 'Invoice PDF, attendee list CSV'.")
    )
    preapproval_required = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reimbursement_rate__gte=0, reimbursement_rate__lte=1), name="mdf_activity_rate_fraction"
            )
        ]

    def __str__(self):
        return self.name


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")
    LAPSED = "lapsed", _("Lapsed")


class MdfRequest(models.Model):
    """A partner's pre-approval request for a marketing activity; approval commits funds."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="mdf_requests")
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="requests")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    total_cost = MoneyField(validators=[MinValueValidator(0)])
    requested_amount = MoneyField(validators=[MinValueValidator(0)])
    approved_amount = MoneyField(null=True, blank=True)
    currency = CurrencyField()
    expected_leads = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED, db_index=True
    )
    decision_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("MDF request")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="mdf_request_dates_in_order"),
            models.CheckConstraint(condition=Q(requested_amount__gt=0), name="mdf_request_amount_positive"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__lte=F("requested_amount")),
                name="mdf_request_approved_within_requested",
            ),
        ]

    def __str__(self):
        return f"MDF request {self.pk}: {self.title}"

    def get_absolute_url(self):
        return reverse("mdf:request_detail", args=[self.pk])

    @property
    def claim_deadline(self):
        return self.end_date + timedelta(days=settings.MDF_CLAIM_WINDOW_DAYS)


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


ACTIVE_CLAIM_STATUSES = [ClaimStatus.SUBMITTED, ClaimStatus.INFO_REQUESTED, ClaimStatus.APPROVED, ClaimStatus.PAID]
AWAITING_PAYMENT = [ClaimStatus.SUBMITTED, ClaimStatus.INFO_REQUESTED, ClaimStatus.APPROVED]


class MdfClaim(models.Model):
    """Proof of performance for an approved request; finance approves and pays it."""

    TENANT_PATH = "partner_id"

    request = models.ForeignKey(MdfRequest, on_delete=models.PROTECT, related_name="claims")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="mdf_claims")
    actual_cost = MoneyField(validators=[MinValueValidator(0)])
    claimed_amount = MoneyField(validators=[MinValueValidator(0)])
    approved_amount = MoneyField(null=True, blank=True)
    currency = CurrencyField()
    results = models.TextField(blank=True)
    leads = models.PositiveIntegerField(null=True, blank=True)
    attendees = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED, db_index=True)
    decision_reason = models.TextField(blank=True)
    payment_reference = models.CharField(max_length=120, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("MDF claim")
        constraints = [
            # One live claim per request; a rejected claim may be followed by a new one inside the window.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["submitted", "info_requested", "approved", "paid"]),
                name="mdf_one_live_claim_per_request",
            ),
            models.CheckConstraint(condition=Q(claimed_amount__gt=0), name="mdf_claim_amount_positive"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__lte=F("claimed_amount")),
                name="mdf_claim_approved_within_claimed",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | ~Q(payment_reference=""), name="mdf_paid_claim_has_reference"
            ),
        ]

    def __str__(self):
        return f"MDF claim {self.pk}"

    def get_absolute_url(self):
        return reverse("mdf:claim_detail", args=[self.pk])

    @property
    def age_days(self) -> int:
        return (timezone.now() - self.created_at).days


# The name the first migration refers to.
proof_upload_to = private_upload_to("mdf/proofs", "claim.partner_id")


class ProofFile(StoredFile):
    """A proof-of-performance file attached to a claim (invoice PDF, photos, attendee CSV)."""

    TENANT_PATH = "claim__partner_id"

    claim = models.ForeignKey(MdfClaim, on_delete=models.CASCADE, related_name="proofs")
    file = models.FileField(upload_to=proof_upload_to, max_length=300)

    objects = TenantManager()

    def get_absolute_url(self):
        return reverse("mdf:proof_download", args=[self.pk])


badges.register(
    MdfRequest,
    MdfClaim,
    colours={
        "approved": "text-bg-success",
        "paid": "text-bg-success",
        "completed": "text-bg-success",
        "rejected": "text-bg-secondary",
        "lapsed": "text-bg-secondary",
        "info_requested": "text-bg-warning",
    },
    default="text-bg-info",
    testid="mdf-status",
)
