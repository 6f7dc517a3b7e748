"""SLA API (REST API v1): open items waiting on the vendor (internal) and the program's medians (anyone)."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.permissions import IsPortalUser
from prm.api import StandardPagination
from sla import selectors
from sla.models import SlaKind
from sla.registry import kinds_for

KIND_HELP = "One of: " + ", ".join(SlaKind.values)


class SlaItemSerializer(serializers.Serializer):
    kind = serializers.CharField(source="kind_key", help_text=KIND_HELP)
    kind_label = serializers.CharField()
    object_id = serializers.IntegerField()
    partner = serializers.IntegerField(source="partner_id")
    partner_name = serializers.CharField()
    title = serializers.CharField()
    started_at = serializers.DateTimeField(read_only=True)
    due_at = serializers.DateTimeField(read_only=True)
    waited_business_days = serializers.IntegerField(source="waited_days")
    sla_business_days = serializers.IntegerField(source="sla_days")
    breached = serializers.BooleanField()
    url = serializers.CharField(help_text="The item's page in the portal (may be empty).")


class PartnerSlaItemSerializer(SlaItemSerializer):
    """A partner's own item: no link to internal-only pages."""

    url = serializers.SerializerMethodField()

    def get_url(self, item) -> str:
        return item.url if item.kind.partner_link else ""


class MedianSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=KIND_HELP)
    label = serializers.CharField()
    median_business_days = serializers.FloatField(
        source="median_days", allow_null=True, help_text="Median decision time over the window; null if none."
    )
    decided = serializers.IntegerField(help_text="Items decided in the window.")
    sla_business_days = serializers.IntegerField(source="sla_days")


SummarySerializer = inline_serializer(
    "SlaSummary",
    {
        "window_days": serializers.IntegerField(),
        "medians": MedianSerializer(many=True),
        "open_items": PartnerSlaItemSerializer(many=True, help_text="Partner users only: their own open items."),
    },
)

SlaQueryError = inline_serializer(
    "SlaQueryError",
    {
        "kind": serializers.ListField(child=serializers.CharField(), required=False),
        "partner": serializers.ListField(child=serializers.CharField(), required=False),
        "breached": serializers.ListField(child=serializers.CharField(), required=False),
    },
)


class SlaItemsView(APIView):
    """Open items the vendor owes a decision on, most urgent first. Channel managers see their own book's,
    finance MDF claims and payout batches, program admins everything."""

    permission_classes = [IsPortalUser, access.PermissionRequired("sla.see_pages", object_level=False)]
    pagination_class = StandardPagination
    serializer_class = SlaItemSerializer

    @extend_schema(
        operation_id="sla_items_list",
        parameters=[
            OpenApiParameter("kind", str, required=False, enum=list(SlaKind.values)),
            OpenApiParameter("partner", int, required=False, description="Only this partner's items"),
            OpenApiParameter("breached", bool, required=False, description="true: only past due; false: on time"),
            OpenApiParameter("page", int, required=False),
            OpenApiParameter("page_size", int, required=False),
        ],
        responses={200: SlaItemSerializer(many=True), 400: SlaQueryError},
    )
    def get(self, request):
        params = request.query_params
        errors = {}
        kind = params.get("kind", "")
        if kind and kind not in SlaKind.values:
            errors["kind"] = [_("One of: %(kinds)s.") % {"kinds": ", ".join(SlaKind.values)}]
        partner = params.get("partner", "")
        if partner and not (partner.isascii() and partner.isdigit()):
            errors["partner"] = [_("Give the partner's numeric id.")]
        breached = params.get("breached", "")
        if breached and breached.lower() not in ("true", "false", "1", "0"):
            errors["breached"] = [_("true or false.")]
        if errors:
            raise serializers.ValidationError(errors)
        items = selectors.open_items(
            request.user,
            kind=kind or None,
            partner_id=int(partner) if partner else None,
            breached=None if not breached else breached.lower() in ("true", "1"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(SlaItemSerializer(page, many=True).data)


class SlaSummaryView(APIView):
    """The program's median decision time per kind over the last 90 days; for partner users also their own
    organisation's open items."""

    permission_classes = [IsPortalUser]
    serializer_class = SummarySerializer

    @extend_schema(operation_id="sla_summary_retrieve", responses={200: SummarySerializer})
    def get(self, request):
        visible = {kind.key for kind in kinds_for(request.user)}
        medians = [row for key, row in selectors.medians().items() if key in visible]
        items = selectors.open_items(request.user) if access.is_partner_user(request.user) else []
        return Response(
            {
                "window_days": settings.SLA_MEDIAN_WINDOW_DAYS,
                "medians": MedianSerializer(medians, many=True).data,
                "open_items": PartnerSlaItemSerializer(items, many=True).data,
            }
        )
