"""Receipts API: a deal's signed receipts and the public receipt check."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from deals.models import DealRegistration
from prm.tenancy import get_visible_or_404
from receipts.models import Receipt, ReceiptKind
from receipts.services import verify_envelope
from receipts.throttles import ReceiptVerifyThrottle


class SignatureSerializer(serializers.Serializer):
    alg = serializers.CharField(help_text="Always `Ed25519`.")
    kid = serializers.CharField(help_text="The signing key's id, published at /.well-known/jwks.json.")
    value = serializers.CharField(help_text="base64url Ed25519 signature of the receipt's RFC 8785 (JCS) form.")


class EnvelopeSerializer(serializers.Serializer):
    receipt = serializers.DictField(help_text="The signed document (see docs/receipts.md).")
    signature = SignatureSerializer()


class ReceiptSerializer(serializers.ModelSerializer):
    deal = serializers.IntegerField(source="deal_id", read_only=True)
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    kind = serializers.ChoiceField(choices=ReceiptKind.choices, read_only=True)
    envelope = EnvelopeSerializer(read_only=True, help_text="What `POST /api/v1/receipts/verify/` checks.")

    class Meta:
        model = Receipt
        fields = ["uuid", "deal", "partner", "kind", "created_at", "envelope"]


@extend_schema_view(
    list=extend_schema(
        summary="Signed registration receipts (partner users: own organisation's deals; internal: all)",
        parameters=[
            OpenApiParameter(
                "deal", OpenApiTypes.INT, description="Only this deal's receipts (404 for a deal outside tenancy)."
            )
        ],
    ),
    retrieve=extend_schema(summary="One signed registration receipt"),
)
class ReceiptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReceiptSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"

    def get_queryset(self):
        queryset = Receipt.objects.visible_to(self.request.user).order_by("-created_at", "-id")
        if self.action == "list" and "deal" in self.request.query_params:
            value = self.request.query_params["deal"]
            if not value.isdigit():
                raise serializers.ValidationError({"deal": [_("A deal id is a whole number.")]})
            deal = get_visible_or_404(DealRegistration, self.request.user, pk=int(value))
            queryset = queryset.filter(deal=deal)
        return queryset

    def get_object(self):
        return get_visible_or_404(Receipt, self.request.user, uuid=self.kwargs["uuid"])


class VerifyResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()


class ReceiptVerifyView(APIView):
    """Anyone holding a receipt may check it: valid or not, and nothing more."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ReceiptVerifyThrottle]

    def get_authenticators(self):
        return []  # no session, so no CSRF: a public check with no credentials

    @extend_schema(
        summary="Check a signed registration receipt (no login; throttled per address)",
        # Any JSON object is checked: one that is not a well-formed envelope is simply not valid (200
        # {"valid": false}), so the body is documented as an object, with the envelope's shape in words.
        request={
            "application/json": {
                "type": "object",
                "description": "The receipt file's JSON: `{receipt: {...}, signature: {alg, kid, value}}`.",
                "additionalProperties": True,
            }
        },
        responses={
            200: VerifyResultSerializer,
            400: OpenApiResponse(description="No body, or the body is not a JSON object."),
        },
        auth=[],
    )
    def post(self, request):
        data = request.data
        if request.stream is None or not isinstance(data, dict):  # no body at all, or not a JSON object
            raise serializers.ValidationError({"non_field_errors": [_("Send the receipt file's JSON object.")]})
        return Response({"valid": verify_envelope(dict(data))})
