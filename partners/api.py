"""Partners and tiers (the API doc: Partners)."""

import django_filters
from django.utils.translation import gettext as _
from django_countries import countries
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import access
from accounts.permissions import IsPortalUser
from partners import program_terms, recruiting, services
from partners.filters import PartnerFilter
from partners.models import Application, ApplicationStatus, Partner, PartnerType, Quadrant, Tier
from partners.selectors import tier_panel
from prm import inputs
from prm.api import AnonymousFormThrottle, IsoDateTimeFilter
from prm.clientip import client_ip


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


class StatusChangeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TierProgressRequirementSerializer(serializers.Serializer):
    metric = serializers.CharField()
    name = serializers.CharField()
    required = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2)
    met = serializers.BooleanField()


class TierAtRiskSerializer(serializers.Serializer):
    """A partner flagged at risk (docs/tiers.md): its own tier's requirements measured now, the review that
    flagged it and the day of the review that decides."""

    tier = serializers.CharField(source="tier.name")
    flagged_in = serializers.CharField()
    since = serializers.DateField(allow_null=True, read_only=True)
    next_review_on = serializers.DateField(read_only=True)
    requirements = TierProgressRequirementSerializer(many=True)


class TierCommissionSerializer(serializers.Serializer):
    partner_type = serializers.CharField()
    rate = serializers.CharField(help_text="Share of first-year contract value, a fraction (0.3000 = 30 %).")
    earns_commission = serializers.BooleanField()
    plan = serializers.CharField()
    note = serializers.CharField(help_text="Why this type earns nothing at this tier; empty when it earns.")


class TierBenefitsSerializer(serializers.Serializer):
    """Benefits as applied (docs/program-terms.md): commission from the plans, MDF from the accrual rate, protection
    from the rules-of-engagement version in force. `commission_rate` is the caller's partner type's rate (null
    for internal users); `commissions` lists every partner type."""

    commission_rate = serializers.CharField(allow_null=True)
    commission_note = serializers.CharField()
    commissions = TierCommissionSerializer(many=True)
    mdf_accrual_rate = serializers.CharField()
    protection_days = serializers.IntegerField()
    content_access = serializers.CharField()
    advisory_board_eligible = serializers.BooleanField()
    directory_listing = serializers.BooleanField(help_text="Listed in the public partner directory.")
    lead_routing_weight = serializers.IntegerField(help_text="Weight in automatic lead routing; 0 receives none.")
    extra = serializers.ListField(child=serializers.CharField())


class TierProgressSerializer(serializers.Serializer):
    tier = serializers.CharField(source="tier.name")
    next_tier = serializers.CharField(source="next_tier.name", allow_null=True, default=None)
    requirements = TierProgressRequirementSerializer(many=True)
    at_risk = TierAtRiskSerializer(allow_null=True, source="tier_at_risk", default=None)
    benefits = TierBenefitsSerializer(help_text="The partner's own benefits, as applied (docs/program-terms.md).")


class PartnerApiFilter(PartnerFilter):
    """The directory's filters; `tier` also takes the tier's name, as the API shows it (`?tier=Gold`)."""

    tier = django_filters.CharFilter(method="filter_tier", label="Tier id or name")
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (ISO 8601), for sync"
    )

    class Meta(PartnerFilter.Meta):
        fields = [*PartnerFilter.Meta.fields, "created_after", "created_before", "updated_since"]

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

    @extend_schema(responses=TierProgressSerializer, summary="What the partner needs for its next tier")
    @action(detail=True, methods=["get"], url_path="tier-progress", filterset_class=None, pagination_class=None)
    def tier_progress(self, request, pk=None):
        partner = self.get_object()
        panel = tier_panel(partner)
        benefits = program_terms.partner_terms(partner).as_benefits(partner.partner_type)
        return Response(
            TierProgressSerializer(
                {**panel["tier_progress"], "tier_at_risk": panel["tier_at_risk"], "benefits": benefits}
            ).data
        )

    # Standing (docs/partner-status.md): channel managers and program admins; each change is audited and
    # the partner's status history is its audit trail. 409 for a change the status forbids.
    def _change_status(self, request, service):
        partner = self.get_object()  # 404 outside the caller's tenancy, then the role, then the body
        services.require_status_changer(request.user)
        body = StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partner = getattr(services, service)(actor=request.user, partner=partner, reason=body.validated_data["reason"])
        partner = self.get_queryset().get(pk=partner.pk)
        return Response(PartnerSerializer(partner).data)

    @extend_schema(
        request=StatusChangeSerializer, responses=PartnerSerializer, summary="Suspend: read-only, payouts held"
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def suspend(self, request, pk=None):
        return self._change_status(request, "suspend_partner")

    @extend_schema(request=StatusChangeSerializer, responses=PartnerSerializer, summary="Reinstate a suspended partner")
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def reinstate(self, request, pk=None):
        return self._change_status(request, "reinstate_partner")

    @extend_schema(request=StatusChangeSerializer, responses=PartnerSerializer, summary="Terminate (final)")
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def terminate(self, request, pk=None):
        return self._change_status(request, "terminate_partner")


class TierRequirementSerializer(serializers.Serializer):
    metric = serializers.CharField()
    name = serializers.CharField(source="get_metric_display")
    minimum = serializers.DecimalField(max_digits=14, decimal_places=2)


class TierSerializer(serializers.ModelSerializer):
    requirements = TierRequirementSerializer(many=True, read_only=True)
    benefits = serializers.SerializerMethodField()

    class Meta:
        model = Tier
        fields = ["id", "name", "rank", "description", "requirements", "benefits"]

    @extend_schema_field(TierBenefitsSerializer)
    def get_benefits(self, tier) -> dict:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        partner = getattr(user, "partner", None) if access.is_partner_user(user) else None
        # One computation per response, for every tier (a bounded number of queries, however many tiers).
        by_tier = self.context.get("program_terms")
        if by_tier is None:
            by_tier = {t.tier.pk: t for t in program_terms.program_terms()}
            self.context["program_terms"] = by_tier
        terms = by_tier.get(tier.pk) or program_terms.tier_terms(tier)
        return TierBenefitsSerializer(terms.as_benefits(partner.partner_type if partner else None)).data


class TierApiFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="iexact")
    min_rank = django_filters.NumberFilter(field_name="rank", lookup_expr="gte")

    class Meta:
        model = Tier
        fields = ["name", "min_rank"]


@extend_schema_view(
    list=extend_schema(summary="The program's tiers, lowest first"),
    retrieve=extend_schema(summary="One tier with its requirements and benefits"),
)
class TierViewSet(viewsets.ReadOnlyModelViewSet):
    """the API doc: lists are paginated, tiers too (`{count, next, previous, results}`)."""

    serializer_class = TierSerializer
    filterset_class = TierApiFilter

    def get_queryset(self):
        return Tier.objects.ranked().prefetch_related("requirements")


# --- Recruiting (the API doc: Partners) ---------------------------------------------------------------------


class ApplicationCreateSerializer(serializers.Serializer):
    company_name = serializers.CharField(max_length=200)
    website = serializers.CharField(max_length=300)
    contact_name = serializers.CharField(max_length=150)
    contact_email = serializers.EmailField()
    country = serializers.ChoiceField(choices=list(countries))
    partner_type = serializers.ChoiceField(choices=PartnerType.choices)
    description = serializers.CharField(max_length=5000)
    website_url = serializers.CharField(required=False, allow_blank=True, write_only=True, help_text="Leave empty.")

    def validate_website_url(self, value):
        if value:
            raise serializers.ValidationError(_("This field must stay empty."))
        return value

    def validate_website(self, value):
        if "." not in recruiting.normalise_domain(value):
            raise serializers.ValidationError(_("Enter your company's website, e.g. example.com."))
        return value.strip()


class ApplicationCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class ApplicationSerializer(serializers.ModelSerializer):
    quadrant = serializers.ChoiceField(
        choices=Quadrant.choices, allow_blank=True, read_only=True, help_text="Empty until the application is scored."
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "company_name",
            "status",
            "score",
            "fit_score",
            "willingness_score",
            "quadrant",
            "created_at",
            "website_domain",
            "country",
            "partner_type",
            "duplicate_of",
            "matching_partner",
            "partner",
            "rejection_reason",
        ]
        read_only_fields = fields


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ApplicationApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    quadrant = django_filters.ChoiceFilter(choices=Quadrant.choices)
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices)
    country = django_filters.CharFilter(lookup_expr="iexact", label="Country code")
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Application
        fields = ["status", "quadrant", "partner_type", "country", "created_after", "created_before"]


@extend_schema_view(
    list=extend_schema(summary="Applications (internal)"),
    retrieve=extend_schema(summary="One application (internal)"),
    create=extend_schema(
        summary="Apply to the partner program (no login; 20 an hour per address)",
        request=ApplicationCreateSerializer,
        responses={201: ApplicationCreatedSerializer},
        auth=[],
    ),
)
class ApplicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationApiFilter

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        if self.action in ("approve", "reject"):
            return [IsPortalUser(), access.PermissionRequired("partners.recruit", object_level=False)()]
        return [IsPortalUser(), access.PermissionRequired("partners.view_applications", object_level=False)()]

    def get_authenticators(self):
        # The public form posts without credentials (and without a CSRF token): no session auth for create.
        if (
            self.request is not None
            and self.request.method == "POST"
            and self.request.path.rstrip("/").endswith("/applications")
        ):
            return []
        return super().get_authenticators()

    def get_throttles(self):
        if self.action == "create":
            return [AnonymousFormThrottle()]
        return super().get_throttles()

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = recruiting.submit_application(data=serializer.validated_data, ip_address=client_ip(request))
        return Response({"id": application.pk, "status": application.status}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses=ApplicationSerializer, summary="Approve: create the partner, invite its admin"
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        application = self.get_object()
        application = recruiting.approve_application(actor=request.user, application=application)
        return Response(ApplicationSerializer(application).data)

    @extend_schema(request=RejectSerializer, responses=ApplicationSerializer, summary="Reject with a reason")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        application = self.get_object()
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = recruiting.reject_application(
            actor=request.user, application=application, reason=serializer.validated_data["reason"]
        )
        return Response(ApplicationSerializer(application).data)
