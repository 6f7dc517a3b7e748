"""Signing keys and registration receipts (issue 12, item 1)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
