"""The content library: collateral gated by tier and partner type, with numbered versions and a download count."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enablement.models.audience import AudienceModel


class AssetCategory(models.TextChoices):
    PITCH_DECK = "pitch_deck", _("Pitch deck")
    BATTLE_CARD = "battle_card", _("Battle card")
    CASE_STUDY = "case_study", _("Case study")
    PRICE_SHEET = "price_sheet", _("Price sheet")
    WHITE_PAPER = "white_paper", _("White paper")
    CAMPAIGN = "campaign", _("Campaign-in-a-box")


class LibraryAsset(AudienceModel):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=AssetCategory.choices)
    published = models.BooleanField(default=True)
    download_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["published", "category"], name="asset_published_category_idx")]

    def __str__(self):
        return self.title


class LibraryAssetVersion(models.Model):
    asset = models.ForeignKey(LibraryAsset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to="enablement/library/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    notes = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["asset", "-number"]
        constraints = [models.UniqueConstraint(fields=["asset", "number"], name="asset_version_number_once")]

    def __str__(self):
        return f"{self.asset} v{self.number}"
