"""Signing keys and registration receipts (docs/receipts.md).

Aggregate roots: SigningKey (the public half of every key that ever signed; retired_at marks rotation) and
Receipt (one signed registration decision; never edited, no states).
"""

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.tenancy import TenantManager


class SigningKey(models.Model):
    """The public half of every key that has signed: what keeps old receipts verifiable after rotation."""

    kid = models.CharField(max_length=64, unique=True)
    algorithm = models.CharField(max_length=20, default="Ed25519")
    public_key = models.CharField(max_length=64, help_text=_("Raw 32-byte public key, base64url."))
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.kid


class ReceiptKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXTENDED = "extended", _("Extended")
    EXPIRED = "expired", _("Expired")


class Receipt(models.Model):
    """A signed record of one registration decision, given to the deal's partner (docs/receipts.md).

    Append-only: the signed body is never edited. One receipt per domain event (`source_event_id`), so a
    redelivered event issues nothing new while a re-decided deal (disputes) gets a new receipt.
    """

    TENANT_PATH = "partner_id"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deal = models.ForeignKey("deals.DealRegistration", on_delete=models.PROTECT, related_name="receipts")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(max_length=10, choices=ReceiptKind.choices)
    # The DomainEvent the receipt answers (a plain id: events may be pruned, receipts are kept).
    source_event_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    body = models.JSONField(help_text=_("The signed document, without its signature."))
    kid = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registration receipt")
        verbose_name_plural = _("registration receipts")
        indexes = [models.Index(fields=["deal", "created_at"], name="receipt_deal_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} receipt {self.uuid}"

    def get_absolute_url(self):
        return reverse("receipts:json", args=[self.uuid])

    @property
    def envelope(self) -> dict:
        """What the partner downloads and anyone can verify: the document and its signature."""
        return {"receipt": self.body, "signature": {"alg": "Ed25519", "kid": self.kid, "value": self.signature}}
