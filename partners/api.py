"""Partners and tiers (API.md: Partners)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from partners.filters import PartnerFilter
from partners.models import Partner, Tier


class PartnerSerializer(serializers.ModelSerializer):
    tier = serializers.CharField(source="tier.name", read_only=True)
    tier_id = serializers.IntegerField(read_only=True)
    country = serializers.CharField(source="country.code", read_only=True)
    channel_manager = serializers.IntegerField(source="channel_manager_id", read_only=True, allow_null=True)
    channel_manager_name = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "partner_type",
            "tier",
            "tier_id",
            "status",
            "country",
            "region",
            "channel_manager",
            "channel_manager_name",
            "onboarding_progress",
            "website_domain",
            "verticals",
            "external_crm_id",
            "created_at",
        ]

    def get_channel_manager_name(self, partner) -> str | None:
        manager = partner.channel_manager
        return str(manager) if manager else None


class PartnerApiFilter(PartnerFilter):
    """The directory's filters; `tier` also takes the tier's name, as the API shows it (`?tier=Gold`)."""

    tier = django_filters.CharFilter(method="filter_tier", label="Tier id or name")

    def filter_tier(self, queryset, name, value):
        value = value.strip()
        if value.isascii() and value.isdigit():
            tier_id = int(value)
            return queryset.filter(tier_id=tier_id) if tier_id < 2**63 else queryset.none()
        return queryset.filter(tier__name__iexact=value)


@extend_schema_view(
    list=extend_schema(summary="Partners (internal: all; partner users: their own)"),
    retrieve=extend_schema(summary="One partner; 404 outside the caller's tenancy"),
)
class PartnerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PartnerSerializer
    filterset_class = PartnerApiFilter

    def get_queryset(self):
        return (
            Partner.objects.visible_to(self.request.user)
            .select_related("tier", "channel_manager")
            .order_by("name", "id")
        )


class TierRequirementSerializer(serializers.Serializer):
    metric = serializers.CharField()
    name = serializers.CharField(source="get_metric_display")
    minimum = serializers.DecimalField(max_digits=14, decimal_places=2)


class TierBenefitsSerializer(serializers.Serializer):
    commission_rate = serializers.CharField()
    mdf_accrual_rate = serializers.CharField()
    protection_days = serializers.IntegerField()
    content_access = serializers.CharField()
    advisory_board_eligible = serializers.BooleanField()
    extra = serializers.ListField(child=serializers.CharField())


class TierSerializer(serializers.ModelSerializer):
    requirements = TierRequirementSerializer(many=True, read_only=True)
    benefits = TierBenefitsSerializer(read_only=True)

    class Meta:
        model = Tier
        fields = ["id", "name", "rank", "description", "requirements", "benefits"]


@extend_schema_view(list=extend_schema(summary="The program's tiers, lowest first"))
class TierViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TierSerializer
    pagination_class = None
    filterset_class = None

    def get_queryset(self):
        return Tier.objects.ranked().prefetch_related("requirements")
