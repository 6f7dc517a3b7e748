"""Disputes of rejected-conflict decisions (docs/disputes.md).

Aggregate roots:
- Dispute: a partner's one challenge of a registration rejected because another registration held the
  customer (deals.DealReason.CONFLICT). open > upheld | reversed. One per decision (one-to-one with the
  registration), opened with a reason and up to five files, due within DISPUTE_SLA_BUSINESS_DAYS
  business days; a channel manager of the partner (or a program admin) upholds it or reverses the
  decision (disputes.services.reverse_dispute re-decides both registrations).
- DisputeFile: a file the partner attached; served only to that partner's users and internal users.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm import badges
from prm.models import StoredFile, private_upload_to
from prm.tenancy import TenantManager, TenantQuerySet
from prm.workflow import Workflow


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    REVERSED = "reversed", _("Reversed")


DISPUTE_WORKFLOW = Workflow(
    {
        DisputeStatus.OPEN: {DisputeStatus.UPHELD, DisputeStatus.REVERSED},
    }
)


class DisputeQuerySet(TenantQuerySet):
    def open(self):
        return self.filter(status=DisputeStatus.OPEN)

    def overdue(self, now=None):
        return self.filter(status=DisputeStatus.OPEN, due_at__lt=now or timezone.now())


class Dispute(models.Model):
    """A partner's one challenge of a rejected-conflict decision."""

    TENANT_PATH = "partner_id"

    deal = models.OneToOneField(
        "deals.DealRegistration", on_delete=models.PROTECT, related_name="dispute", verbose_name=_("registration")
    )
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    # The registration that held the customer when the dispute was decided (internal; never shown to partners).
    holder = models.ForeignKey(
        "deals.DealRegistration", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager.from_queryset(DisputeQuerySet)()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | Q(status__in=["upheld", "reversed"], decided_at__isnull=False),
                name="disputes_decided_iff_not_open",
            ),
        ]

    def __str__(self):
        return f"Dispute {self.pk} of deal {self.deal_id}"

    def get_absolute_url(self):
        return reverse("disputes:detail", args=[self.pk])

    @property
    def due_date(self):
        """The last business day of the SLA (due_at is the first moment after it)."""
        if self.due_at is None:
            return None
        return timezone.localtime(self.due_at - timedelta(microseconds=1)).date()

    @property
    def is_overdue(self) -> bool:
        return self.status == DisputeStatus.OPEN and self.due_at is not None and self.due_at < timezone.now()


# The name the first migration refers to.
dispute_file_upload_to = private_upload_to("disputes", "dispute.partner_id")


class DisputeFile(StoredFile):
    """A file attached to a dispute (the partner's evidence: e-mails, meeting notes, a signed order)."""

    TENANT_PATH = "dispute__partner_id"

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=dispute_file_upload_to, max_length=300)

    objects = TenantManager()

    class Meta(StoredFile.Meta):
        verbose_name = _("dispute file")
        verbose_name_plural = _("dispute files")

    def get_absolute_url(self):
        return reverse("disputes:file", args=[self.pk])


badges.register(
    Dispute,
    colours={DisputeStatus.OPEN: "text-bg-warning", DisputeStatus.REVERSED: "text-bg-success"},
    default="text-bg-secondary",
    testid="dispute-status",
)
