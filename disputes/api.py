"""Disputes API (additive to the API doc v1): partners open and read their own disputes; the partner's
channel manager or a program admin upholds or reverses them. Thin: parse, call a service, serialise."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from accounts import access
from deals.models import DealRegistration
from disputes import selectors, services
from disputes.models import Dispute, DisputeStatus
from prm.api import validated_body as _body
from prm.files import attachment_response
from prm.tenancy import get_visible_or_404


class DisputeFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("api-dispute-file", args=[obj.pk], request=self.context.get("request"))


class DisputeSerializer(serializers.ModelSerializer):
    """What the disputing partner sees: its own registration, never the one it is against."""

    deal = serializers.IntegerField(source="deal_id", read_only=True)
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    customer_name = serializers.CharField(source="deal.customer_name", read_only=True)
    # A plain string in the schema: a second "status" enum would collide in drf-spectacular's enum naming.
    status = serializers.CharField(read_only=True, help_text="open, upheld or reversed")
    overdue = serializers.SerializerMethodField()
    files = DisputeFileSerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "deal",
            "partner",
            "customer_name",
            "status",
            "reason",
            "opened_at",
            "due_at",
            "overdue",
            "decided_at",
            "decision_note",
            "files",
        ]

    def get_overdue(self, obj) -> bool:
        return bool(getattr(obj, "overdue", obj.is_overdue))


class HolderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partner = serializers.IntegerField(source="partner_id")
    partner_name = serializers.CharField(source="partner.name")
    status = serializers.CharField()
    protected_until = serializers.DateField(allow_null=True, read_only=True)


class InternalDisputeSerializer(DisputeSerializer):
    """Internal users also see the registration it is against and the match evidence."""

    partner_name = serializers.CharField(source="partner.name", read_only=True)
    opened_by = serializers.IntegerField(source="opened_by_id", read_only=True)
    decided_by = serializers.IntegerField(source="decided_by_id", read_only=True, allow_null=True)
    holder = serializers.SerializerMethodField()
    match_evidence = serializers.JSONField(source="deal.match_evidence", read_only=True)

    class Meta(DisputeSerializer.Meta):
        fields = [*DisputeSerializer.Meta.fields, "partner_name", "opened_by", "decided_by", "holder", "match_evidence"]

    @extend_schema_field(HolderSerializer(allow_null=True))
    def get_holder(self, obj):
        holder = selectors.holder_of(obj)
        return HolderSerializer(holder).data if holder is not None else None


class DisputeCreateSerializer(serializers.Serializer):
    deal = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="Id of the rejected-conflict registration."
    )
    reason = serializers.CharField(max_length=5000)


class DisputeUploadSerializer(DisputeCreateSerializer):
    """The multipart form: the fields plus up to five files under `files`."""

    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Up to 5 files: PDF, PNG, JPEG, TXT, CSV, DOCX, XLSX."
    )


class UpholdSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class ReverseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DisputeApiFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DisputeStatus.choices)
    overdue = django_filters.BooleanFilter(field_name="overdue")

    class Meta:
        model = Dispute
        fields = ["status", "overdue"]


def _require_reader(user):
    access.require(user, "disputes.read", standing=False)


@extend_schema_view(
    list=extend_schema(summary="Disputes (partner users: their organisation's; channel managers, program admins: all)"),
    retrieve=extend_schema(summary="One dispute; 404 outside the caller's tenancy"),
)
class DisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = DisputeApiFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.dispute_list(self.request.user).prefetch_related("files").order_by("-opened_at", "-id")

    def get_serializer_class(self):
        user = self.request.user
        return InternalDisputeSerializer if access.is_internal(user) else DisputeSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _require_reader(request.user)

    def _dispute(self):
        return selectors.dispute_detail(self.request.user, self.kwargs["pk"])

    def _out(self, dispute, code=status.HTTP_200_OK):
        dispute = self.get_queryset().get(pk=dispute.pk)
        return Response(self.get_serializer_class()(dispute, context={"request": self.request}).data, status=code)

    @extend_schema(
        request={"multipart/form-data": DisputeUploadSerializer, "application/json": DisputeCreateSerializer},
        responses={201: DisputeSerializer},
        summary="Dispute a rejected-conflict decision (once), with a reason and up to 5 files",
    )
    def create(self, request):
        access.require(request.user, "disputes.dispute", standing=False)  # 403 before the body's 400
        data = _body(DisputeCreateSerializer, request)
        deal = get_visible_or_404(DealRegistration.objects.select_related("partner"), request.user, pk=data["deal"])
        files = request.FILES.getlist("files") if hasattr(request.FILES, "getlist") else []
        dispute = services.open_dispute(user=request.user, deal=deal, reason=data["reason"], files=files)
        return self._out(dispute, status.HTTP_201_CREATED)

    @extend_schema(
        request=UpholdSerializer, responses=InternalDisputeSerializer, summary="Uphold: the rejection stands"
    )
    @action(detail=True, methods=["post"])
    def uphold(self, request, pk=None):
        dispute = self._dispute()
        services.require_may_decide(request.user, dispute)  # 403 before the body's 400
        note = _body(UpholdSerializer, request)["note"]
        return self._out(services.uphold_dispute(dispute=dispute, actor=request.user, note=note))

    @extend_schema(
        request=ReverseSerializer,
        responses=InternalDisputeSerializer,
        summary="Reverse: approve the disputed registration, reject the one that held the customer",
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        dispute = self._dispute()
        services.require_may_decide(request.user, dispute)
        note = _body(ReverseSerializer, request)["note"]
        return self._out(services.reverse_dispute(dispute=dispute, actor=request.user, note=note))


class DisputeFileView(APIView):
    """A dispute's file: only the partner's users and internal users; anyone else gets 404."""

    @extend_schema(
        responses={(200, "*/*"): OpenApiResponse(description="The file, as an attachment, in its own content type.")},
        summary="Download a dispute's file (the partner's users and internal users only)",
    )
    def get(self, request, pk):
        stored = selectors.file_for(request.user, pk)
        return attachment_response(stored.file, stored.name, stored.content_type)
