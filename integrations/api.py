"""Webhooks API (the API doc: Webhooks). Thin: parse, call a service, serialise."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from accounts import access
from accounts.permissions import IsPortalUser
from integrations import services
from integrations.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookSubscription,
)
from prm.api import IsoDateTimeFilter
from prm.tenancy import get_visible_or_404

ManagesWebhooks = [IsPortalUser, access.PermissionRequired("integrations.manage_webhooks", object_level=False)]
RedeliversWebhooks = [IsPortalUser, access.PermissionRequired("integrations.redeliver_webhooks", object_level=False)]

SIGNING = (
    "Each delivery is a POST of the JSON `{id, event, created_at, data}` signed as Standard Webhooks "
    "(standardwebhooks.com): `webhook-id` (the same for every retry and redelivery of one event), "
    "`webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "
    "`{webhook-id}.{webhook-timestamp}.{raw body}`>`, keyed with the base64-decoded part of a `whsec_` secret "
    "(any other secret: its UTF-8 bytes). Receivers refuse timestamps more than 5 minutes away, so a captured "
    "delivery cannot be replayed. The legacy header `X-PRM-Signature: sha256=<hex HMAC-SHA256 of the raw body>` "
    "is still sent for existing receivers (it signs no timestamp). docs/webhooks.md has examples. A non-2xx "
    "answer is retried with exponential back-off (about 15 s, 30 s, 1 min ... up to 1 h); a webhook failing "
    "for 24 hours is paused and program admins are notified. `id` is the event's id: the same event "
    "redelivered carries the same id, so receivers can ignore repeats."
)


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "description", "events", "status", "failing_since", "paused_at", "created_at"]
        read_only_fields = fields


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    events = serializers.ListField(
        child=serializers.CharField(max_length=64),
        allow_empty=False,
        max_length=len(services.WEBHOOK_EVENTS) * 2,
        help_text="Event names: " + ", ".join(services.WEBHOOK_EVENTS),
    )
    secret = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        trim_whitespace=False,
        help_text="At least 16 characters; left out, one is generated and returned once.",
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class CreatedWebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    secret = serializers.CharField(help_text="The signing secret, shown only in this response.")


class WebhookDeliveryAttemptSerializer(serializers.ModelSerializer):
    delivery = serializers.IntegerField(source="delivery_id", read_only=True)

    class Meta:
        model = WebhookDeliveryAttempt
        fields = ["id", "delivery", "number", "started_at", "status_code", "duration_ms", "succeeded", "error"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event_name")
    attempts = WebhookDeliveryAttemptSerializer(
        many=True, read_only=True, help_text="Every try of this delivery, first to last."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "status",
            "status_code",
            "duration_ms",
            "attempt",
            "created_at",
            "next_attempt_at",
            "delivered_at",
            "redelivery_of",
            "error",
            "attempts",
        ]
        read_only_fields = fields


class RedeliveryQueuedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The new delivery.")
    status = serializers.CharField()
    redelivery_of = serializers.IntegerField()


class WebhookApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SubscriptionStatus.choices)
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = WebhookSubscription
        fields = ["status"]


class DeliveryApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event = django_filters.CharFilter(field_name="event_name")
    status_code = django_filters.NumberFilter()
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event", "status_code"]


@extend_schema_view(
    list=extend_schema(operation_id="webhooks_list", description="Webhook subscriptions (no secrets)."),
    retrieve=extend_schema(operation_id="webhooks_retrieve"),
    destroy=extend_schema(operation_id="webhooks_destroy", responses={204: None}),
)
class WebhookViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    __doc__ = "Program admins subscribe URLs to public events. " + SIGNING

    serializer_class = WebhookSerializer
    permission_classes = ManagesWebhooks
    filterset_class = WebhookApiFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return WebhookSubscription.objects.visible_to(self.request.user).order_by("-created_at", "-id")

    def filter_queryset(self, queryset):
        # The list's filters are the subscriptions'; a detail action (the delivery log) has its own.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(
        operation_id="webhooks_create",
        request=WebhookCreateSerializer,
        responses={201: CreatedWebhookSerializer, 400: OpenApiResponse(description="Bad URL or unknown events")},
        description="Subscribe a URL. " + SIGNING,
    )
    def create(self, request):
        form = WebhookCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        subscription, secret = services.create_subscription(user=request.user, **form.validated_data)
        body = {
            "id": subscription.pk,
            "url": subscription.url,
            "events": subscription.events,
            "status": subscription.status,
            "secret": secret,
        }
        return Response(CreatedWebhookSerializer(body).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_subscription(user=self.request.user, subscription=instance)

    @extend_schema(
        operation_id="webhooks_deliveries_list",
        responses=WebhookDeliverySerializer(many=True),
        parameters=[
            OpenApiParameter("status", str, enum=DeliveryStatus.values),
            OpenApiParameter("event", str, description="Event name, e.g. deal.won."),
            OpenApiParameter("status_code", int, description="HTTP status the receiver answered."),
            OpenApiParameter("created_after", OpenApiTypes.DATETIME),
            OpenApiParameter("created_before", OpenApiTypes.DATETIME),
        ],
    )
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer)
    def deliveries(self, request, pk=None):
        subscription = self.get_object()
        filters = DeliveryApiFilter(
            request.query_params,
            queryset=subscription.deliveries.prefetch_related("attempts").order_by("-created_at", "-id"),
        )
        if not filters.is_valid():
            raise serializers.ValidationError(filters.errors)
        queryset = filters.qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(operation_id="webhooks_pause", request=None, responses={200: WebhookSerializer})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        subscription = services.pause_subscription(user=request.user, subscription=self.get_object())
        return Response(WebhookSerializer(subscription).data)

    @extend_schema(operation_id="webhooks_resume", request=None, responses={200: WebhookSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        subscription = services.resume_subscription(user=request.user, subscription=self.get_object())
        return Response(WebhookSerializer(subscription).data)


class DeliveryViewSet(viewsets.GenericViewSet):
    # Actions on one delivery of a webhook (POST /webhooks/deliveries/{id}/redeliver/).

    queryset = WebhookDelivery.objects.none()  # names the model of the URL's object; the action scopes its read
    tenancy_model = WebhookDelivery  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    lookup_value_converter = "int"

    @extend_schema(
        operation_id="webhooks_deliveries_redeliver",
        request=None,
        responses={
            202: RedeliveryQueuedSerializer,
            409: OpenApiResponse(description="The webhook is paused: resume it first"),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[
            IsPortalUser,
            access.PermissionRequired("integrations.redeliver_webhooks", object_level=False),
        ],
    )
    def redeliver(self, request, pk=None):
        """Send a delivery's body again, as a new delivery (202; its outcome shows in the delivery log)."""
        delivery = get_visible_or_404(WebhookDelivery, request.user, pk=pk)
        copy = services.redeliver(user=request.user, delivery=delivery)
        body = {"id": copy.pk, "status": copy.status, "redelivery_of": copy.redelivery_of_id}
        return Response(RedeliveryQueuedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class DeliveryAttemptsView(ListAPIView):
    """Every attempt of one delivery, first to last: status code, duration and error of each try."""

    permission_classes = ManagesWebhooks
    tenancy_model = WebhookDelivery  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    serializer_class = WebhookDeliveryAttemptSerializer
    filter_backends = []

    @extend_schema(operation_id="webhooks_deliveries_attempts_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookDeliveryAttempt.objects.none()
        delivery = get_visible_or_404(WebhookDelivery, self.request.user, pk=self.kwargs["pk"])
        return WebhookDeliveryAttempt.objects.visible_to(self.request.user).filter(delivery=delivery).order_by("number")
