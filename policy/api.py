"""Rules-of-engagement policy API (docs/policy.md; additive to the API doc). Thin: parse, call a service, serialise."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import access
from accounts.permissions import IsPortalUser
from policy import selectors, services
from policy.models import PolicySimulation, RoePolicy
from prm import inputs

IsReader = access.PermissionRequired("policy.read", object_level=False)
IsEditor = access.PermissionRequired("policy.edit", object_level=False)


class SimulationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="queued, running, done or failed.")
    progress = serializers.IntegerField(read_only=True, help_text="Per cent done.")
    stale = serializers.BooleanField(source="is_stale", read_only=True, help_text="The draft changed since.")

    class Meta:
        model = PolicySimulation
        fields = [
            "id",
            "status",
            "progress",
            "done",
            "total",
            "changed",
            "partners_affected",
            "summary",
            "stale",
            "window_start",
            "window_end",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class PolicySerializer(serializers.ModelSerializer):
    protection_days_by_tier = serializers.DictField(
        child=serializers.IntegerField(), help_text="Protection days keyed by tier id."
    )
    status = serializers.CharField(read_only=True, help_text="draft or published (archived: kept for history).")
    latest_simulation = serializers.SerializerMethodField()

    class Meta:
        model = RoePolicy
        fields = [
            "id",
            "version",
            "status",
            "notes",
            "protection_days_by_tier",
            *RoePolicy.RULE_FIELDS,
            "effective_from",
            "created_at",
            "published_at",
            "latest_simulation",
        ]
        read_only_fields = fields

    @extend_schema_field(SimulationSerializer(allow_null=True))
    def get_latest_simulation(self, policy):
        simulation = selectors.latest_simulation(policy)
        return SimulationSerializer(simulation).data if simulation else None


class PublishSerializer(serializers.Serializer):
    effective_from = inputs.ApiDateTimeField(help_text="Now or later (ISO 8601).")
    confirm = serializers.BooleanField(
        required=False, default=False, help_text="Publish although the latest simulation is missing or stale."
    )


@extend_schema_view(
    list=extend_schema(operation_id="policies_list", description="Versions of the rules of engagement, newest first."),
    retrieve=extend_schema(operation_id="policies_retrieve"),
)
class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rules of engagement as versioned policy: internal users read; program admins simulate and publish."""

    serializer_class = PolicySerializer
    permission_classes = [IsPortalUser, IsReader]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return RoePolicy.objects.prefetch_related("simulations").order_by("-version")

    def get_permissions(self):
        if self.action in ("simulate", "publish"):
            return [IsPortalUser(), IsEditor()]
        return super().get_permissions()

    @extend_schema(
        operation_id="policies_simulate",
        request=None,
        responses={202: SimulationSerializer, 409: OpenApiResponse(description="The version is published")},
        description="Replay the last 12 months of registrations under a draft, in the background; poll the "
        "version's `latest_simulation`.",
    )
    @action(detail=True, methods=["post"])
    def simulate(self, request, pk=None):
        simulation = services.start_simulation(policy=self.get_object(), actor=request.user)
        simulation.refresh_from_db()
        return Response(SimulationSerializer(simulation).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        operation_id="policies_publish",
        request=PublishSerializer,
        responses={200: PolicySerializer, 409: OpenApiResponse(description="The version is already published")},
        description="Publish a draft with an effective date. Without a finished, current simulation the call "
        "is refused with a `confirm` field error unless `confirm` is true.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        policy = self.get_object()
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        policy = services.publish(policy=policy, actor=request.user, **body.validated_data)
        return Response(PolicySerializer(policy).data)
