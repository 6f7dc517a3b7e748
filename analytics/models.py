"""Analytics (docs/analytics.md): KPI snapshots, rollup runs, scorecards and alerts.

Dashboards read these tables, never raw deals per request. Snapshots are rebuilt by set-based SQL
(`analytics/kpis.py`): a full rebuild, or an incremental one for the partners an event touched; the
two give the same rows. Amounts are in the program currency (settings.DEFAULT_CURRENCY); records in
another currency are counted in `other_currency_records` and never summed in silently.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from prm.money import CurrencyField, MoneyField
from prm.tenancy import TenantManager


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class KpiSnapshot(models.Model):
    """The KPI set of one partner for one month or fiscal quarter, as the last rollup computed it.

    The partner's type, region and channel manager are copied from the partner at rollup time so the
    program dashboard groups by them without joins; the tier is the one the partner held at the period's
    end (its TierChange history), so past periods stay with the tier they were earned in after a
    promotion (docs/figures.md).
    """

    TENANT_PATH = "partner_id"

    # Snapshots are derived rows, rebuilt by INSERT ... SELECT from the partners table itself, so their foreign
    # keys carry no index and no database constraint of their own: the unique (partner, period) serves partner
    # lookups, the dashboards filter tier and manager within a period's rows (period index), and deferred FK
    # checks of 175,000 rows cost the full rollup two seconds at commit (bench/bench_analytics.py). Deleting a
    # partner, tier or user still cascades / sets null through Django's collector.
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="kpi_snapshots",
        db_index=False,
        db_constraint=False,
    )
    period = models.CharField(max_length=7, help_text=_("2026-11 or 2026-Q4."))
    period_kind = models.CharField(max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField()
    # Dimensions, copied from the partner.
    tier = models.ForeignKey(
        "partners.Tier", null=True, on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False
    )
    partner_type = models.CharField(max_length=30)
    region = models.CharField(max_length=10)
    channel_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    joined_quarter = models.CharField(max_length=7, blank=True, help_text=_("Cohort: the quarter the partner joined."))
    currency = CurrencyField()
    # Bookings (won deals by close date) and pipeline (open registrations created in the period).
    sourced_bookings = MoneyField(default=0)
    influenced_bookings = MoneyField(default=0)
    # The partner's part of the program's influenced bookings: a deal influenced by several partners is
    # counted once, at its first influencer (docs/fx.md: Program influenced bookings).
    program_influenced_bookings = MoneyField(default=0)
    sourced_pipeline = MoneyField(default=0)
    influenced_pipeline = MoneyField(default=0)
    new_bookings = MoneyField(default=0)
    expansion_bookings = MoneyField(default=0)
    registered_deals = models.PositiveIntegerField(default=0)
    registered_value = MoneyField(default=0)
    won_deals = models.PositiveIntegerField(default=0)
    lost_deals = models.PositiveIntegerField(default=0)
    win_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    sales_cycle_days = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    cycle_days_total = models.PositiveIntegerField(default=0, help_text=_("Sum of won deals' cycle days."))
    average_deal_size = MoneyField(null=True, blank=True)
    # Enablement: people holding a valid certification at the period's end, and the plan's target.
    certified_people = models.PositiveIntegerField(default=0)
    sales_certified_people = models.PositiveIntegerField(default=0)
    certified_target = models.PositiveIntegerField(default=0)
    # MDF: approved (committed) funds of the period, paid claims, pipeline of MDF-sourced deals.
    mdf_committed = MoneyField(default=0)
    mdf_spent = MoneyField(default=0)
    mdf_available = MoneyField(default=0)
    # The parts of MDF utilisation (mdf.selectors.utilisation): accrued + allocated, committed + paid of
    # the funds whose period starts in the period.
    mdf_earned = MoneyField(default=0)
    mdf_invested = MoneyField(default=0)
    mdf_utilisation = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    mdf_pipeline = MoneyField(default=0)
    pipeline_per_mdf_dollar = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Commissions earned in the period: paid, and approved or pending but not paid yet.
    commission_paid = MoneyField(default=0)
    commission_owed = MoneyField(default=0)
    # Leads passed in the period, and how many the partner accepted.
    leads_assigned = models.PositiveIntegerField(default=0)
    leads_accepted = models.PositiveIntegerField(default=0)
    leads_expired = models.PositiveIntegerField(default=0)
    # Of those, the leads visitors sent through the public directory (source attribution: docs/directory.md).
    directory_leads_assigned = models.PositiveIntegerField(default=0, db_default=0)
    directory_leads_accepted = models.PositiveIntegerField(default=0, db_default=0)
    lead_acceptance_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    other_currency_records = models.PositiveIntegerField(
        default=0, help_text=_("Deals, funds or entries in another currency, left out of the sums above.")
    )
    computed_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["-period_start", "partner_id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period"], name="analytics_kpi_once_per_period"),
        ]
        # Dashboards filter by period (the index below) or by partner and period (the unique constraint's
        # index serves those, the joint dashboard's trend included): no other index to maintain on a rollup.
        indexes = [models.Index(fields=["period", "partner"], name="analytics_kpi_period_idx")]

    def __str__(self):
        return f"KPIs {self.partner_id} {self.period}"


class RollupKind(models.TextChoices):
    FULL = "full", _("Full rebuild")
    INCREMENTAL = "incremental", _("Incremental")


class RollupStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RollupRun(models.Model):
    """One run of the KPI rollup (nightly, on demand, or for dirty partners), with its progress."""

    kind = models.CharField(max_length=12, choices=RollupKind.choices)
    status = models.CharField(max_length=8, choices=RollupStatus.choices, default=RollupStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total_steps = models.PositiveIntegerField(default=0)
    done_steps = models.PositiveIntegerField(default=0)
    partners = models.PositiveIntegerField(default=0, help_text=_("Partners rolled up."))
    rows = models.PositiveIntegerField(default=0, help_text=_("Snapshot rows written."))
    error = models.TextField(blank=True)
    active = models.BooleanField(
        default=False, help_text=_("Holds the single slot of a queued or running full rebuild (race-free refusal).")
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="analytics_one_active_rollup"),
        ]

    def __str__(self):
        return f"Rollup {self.pk} ({self.kind}, {self.status})"

    @property
    def percent(self) -> int:
        if self.status == RollupStatus.DONE:
            return 100
        return int(self.done_steps * 100 / self.total_steps) if self.total_steps else 0


class DirtyPartner(models.Model):
    """A partner an event touched since the last incremental rollup (one row per partner)."""

    TENANT_PATH = "partner_id"

    partner = models.OneToOneField("partners.Partner", on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    def __str__(self):
        return f"Dirty {self.partner_id}"


# --- Scorecards --------------------------------------------------------------------------------------


class CriterionSource(models.TextChoices):
    KPI = "kpi", _("Measured from KPIs")
    RATING = "rating", _("Rated by the channel manager")


class ScorecardCriterion(models.Model):
    """One of the twelve criteria of docs/analytics.md; weights are edited by program admins.

    A measured criterion reads `kpi_field` from the partner's quarterly KpiSnapshot and scores
    min(100, value / target * 100); a rated one turns the manager's 1-5 rating into 0-100.
    """

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=CriterionSource.choices)
    kpi_field = models.CharField(max_length=40, blank=True)
    target = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text=_("Measured value that scores 100.")
    )
    weight = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "scorecard criteria"
        constraints = [
            models.CheckConstraint(
                condition=Q(source="rating") | (~Q(kpi_field="") & Q(target__gt=0)), name="analytics_measured_target"
            ),
        ]

    def __str__(self):
        return self.name


class ScorecardRating(models.Model):
    """A channel manager's 1-5 rating of a qualitative criterion for one partner and quarter."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="scorecard_ratings")
    period = models.CharField(max_length=7, help_text=_("Quarter, e.g. 2026-Q4."))
    criterion = models.ForeignKey(ScorecardCriterion, on_delete=models.CASCADE, related_name="ratings")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    note = models.CharField(max_length=300, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["period", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period", "criterion"], name="analytics_rating_once"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="analytics_rating_range"),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.period} {self.criterion_id}: {self.rating}"


class Scorecard(models.Model):
    """A partner's computed 0-100 score for a quarter, with each criterion's value and score."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="scorecards")
    period = models.CharField(max_length=7)
    period_start = models.DateField()
    total = models.DecimalField(max_digits=5, decimal_places=2)
    criteria = models.JSONField(default=list, help_text=_("[{key, name, weight, value, score}]"))
    computed_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["-period_start", "partner_id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period"], name="analytics_scorecard_once"),
            models.CheckConstraint(condition=Q(total__gte=0, total__lte=100), name="analytics_scorecard_range"),
        ]
        indexes = [models.Index(fields=["period", "total"], name="analytics_scorecard_rank_idx")]

    def __str__(self):
        return f"Scorecard {self.partner_id} {self.period}: {self.total}"


# --- Alerts ------------------------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    NO_DEAL = "no_deal", _("No registered deal in N days")
    CERTS_EXPIRING = "certs_expiring", _("Certifications expiring within N days")
    SCORE_DROP = "score_drop", _("Scorecard dropped by N points")
    LEADS_NOT_ACCEPTED = "leads_not_accepted", _("N or more leads not accepted in time")


class AlertRule(models.Model):
    """A threshold a program admin sets; breaching it opens an Alert and notifies the channel manager."""

    kind = models.CharField(max_length=20, choices=AlertKind.choices, unique=True)
    threshold = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.threshold})"

    @property
    def label(self) -> str:
        """The rule with its threshold, in the reader's language: "Certifications expiring within 30 days"
        (the kind's own label keeps the letter N: it names the rule before a threshold is set)."""
        return rule_label(self.kind, self.threshold)


def rule_label(kind: str, threshold: int) -> str:
    n = int(threshold)
    labels = {
        AlertKind.NO_DEAL: ngettext("No registered deal in %(n)s day", "No registered deal in %(n)s days", n),
        AlertKind.CERTS_EXPIRING: ngettext(
            "Certifications expiring within %(n)s day", "Certifications expiring within %(n)s days", n
        ),
        AlertKind.SCORE_DROP: ngettext("Scorecard dropped by %(n)s point", "Scorecard dropped by %(n)s points", n),
        AlertKind.LEADS_NOT_ACCEPTED: ngettext(
            "%(n)s or more lead not accepted in time", "%(n)s or more leads not accepted in time", n
        ),
    }
    return labels[kind] % {"n": n}


class Alert(models.Model):
    """An open (or resolved) breach of a rule by a partner: opened and notified once per condition."""

    TENANT_PATH = "partner_id"

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="alerts")
    detail = models.CharField(max_length=300)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "partner"], condition=Q(resolved_at__isnull=True), name="analytics_alert_open_once"
            ),
        ]

    def __str__(self):
        return f"Alert {self.rule.kind} for {self.partner_id}"


class AtRiskEpisode(models.Model):
    """A partner's time at risk: from its first open alert until none is open (analytics/at_risk.py). The
    partner's admins and its channel manager are told once per episode; one open episode per partner."""

    TENANT_PATH = "partner_id"

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="at_risk_episodes")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"], condition=Q(ended_at__isnull=True), name="analytics_at_risk_episode_open_once"
            ),
        ]

    def __str__(self):
        return f"At-risk episode of partner {self.partner_id} from {self.started_at:%Y-%m-%d}"
