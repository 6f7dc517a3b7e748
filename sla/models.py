"""Service levels (docs/sla.md): the vendor's own decision times, measured against its SLAs.

Open items are read live from their own tables (sla/registry.py); the only rows this app keeps are the
escalations: one `SlaEscalation` per breached item (kind, object id), created exactly once by the
`escalate_breaches` task, and closed (`resolved_at`) when the item is eventually decided.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.tenancy import TenantQuerySet


class SlaKind(models.TextChoices):
    DEAL = "deal", _("Deal registration decision")
    MDF_CLAIM = "mdf_claim", _("MDF claim approval")
    PAYOUT = "payout", _("Commission payout approval")
    DISPUTE = "dispute", _("Dispute decision")


class SlaEscalationQuerySet(TenantQuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class SlaEscalation(models.Model):
    """An item the vendor did not decide in time, escalated once to the program admins."""

    TENANT_PATH = "partner_id"

    kind = models.CharField(_("kind"), max_length=20, choices=SlaKind.choices)
    object_id = models.PositiveBigIntegerField(_("item id"))
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="sla_escalations", verbose_name=_("partner")
    )
    title = models.CharField(_("item"), max_length=200)
    started_at = models.DateTimeField(_("waiting since"))
    due_at = models.DateTimeField(_("due"))
    sla_days = models.PositiveSmallIntegerField(_("SLA (business days)"))
    escalated_at = models.DateTimeField(_("escalated at"), default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = SlaEscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-escalated_at", "-id"]
        verbose_name = _("SLA escalation")
        verbose_name_plural = _("SLA escalations")
        constraints = [
            # Exactly once per item, however many workers run the escalation at the same time.
            models.UniqueConstraint(fields=["kind", "object_id"], name="sla_one_escalation_per_item"),
        ]
        indexes = [
            models.Index(fields=["kind", "escalated_at"], name="sla_esc_kind_time_idx"),
            models.Index(fields=["resolved_at"], condition=Q(resolved_at__isnull=True), name="sla_esc_open_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def due_day(self):
        """The last day of the SLA (due_at is the midnight that ends it)."""
        return timezone.localdate(self.due_at - timedelta(microseconds=1))
