"""Who a catalogue object is for: partner types stored as ",reseller,msp," (empty: every type, one `contains`
lookup on every database) and a minimum tier."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import access
from partners.models import PartnerType


def encode_types(types) -> str:
    values = [t for t in PartnerType.values if t in set(types or [])]
    return f",{','.join(values)}," if values else ""


def decode_types(stored: str) -> list[str]:
    return [t for t in (stored or "").strip(",").split(",") if t]


def audience_q(user, *, types_field="audience_types", tier_field="min_tier"):
    """Rows a partner user's organisation may see: any type or theirs, no minimum tier or one at or below theirs."""
    partner = user.partner
    return (Q(**{types_field: ""}) | Q(**{f"{types_field}__contains": f",{partner.partner_type},"})) & (
        Q(**{f"{tier_field}__isnull": True}) | Q(**{f"{tier_field}__rank__lte": partner.tier.rank})
    )


def partner_ready(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.partner_id)


class AudienceQuerySet(models.QuerySet):
    """Catalogue objects: internal users see all of them, partner users what is published for their org."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if access.is_internal(user):
            return self
        if not partner_ready(user):
            return self.none()
        return self.filter(audience_q(user), published=True)


class AudienceModel(models.Model):
    """A catalogue object gated by partner type and minimum tier (course, learning path, library asset)."""

    audience_types = models.CharField(max_length=300, blank=True, default="", help_text=_("Empty: every partner type."))
    min_tier = models.ForeignKey(
        "partners.Tier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("minimum tier"),
    )

    objects = AudienceQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(PartnerType.choices)
        return [labels[t] for t in decode_types(self.audience_types) if t in labels]
