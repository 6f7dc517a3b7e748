"""MDF API (the API doc: MDF). Thin: parse, call a service or selector, serialise."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.permissions import IsPortalUser
from deals.api import PartnerIdFilter
from deals.models import DealRegistration
from mdf import selectors, services
from mdf.models import (
    ActivityType,
    ClaimStatus,
    EntryKind,
    Fund,
    FundEntry,
    FundStatus,
    MdfClaim,
    MdfRequest,
    MdfRequesters,
    PartnerMdfAccess,
    RequestStatus,
)
from mdf.serializers import (
    MdfAccessSerializer,
    MdfActivityTypeSerializer,
    MdfAllocationSerializer,
    MdfAmountSerializer,
    MdfClaimInSerializer,
    MdfClaimSerializer,
    MdfClaimUploadSerializer,
    MdfEntrySerializer,
    MdfFundSerializer,
    MdfPaySerializer,
    MdfReasonSerializer,
    MdfRequestInSerializer,
    MdfRequestSerializer,
    MdfSourcedDealSerializer,
)
from partners.models import Partner
from prm import inputs
from prm.api import validated_body as _body
from prm.files import attachment_response
from prm.tenancy import get_visible_or_404


class PartnerScopedFilter(django_filters.FilterSet):
    partner = PartnerIdFilter()


class FundFilter(PartnerScopedFilter):
    period = django_filters.CharFilter(label="2026-Q4 or 2026-11")
    currency = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=FundStatus.choices)
    expires_before = inputs.DateFilter(field_name="expires_at", lookup_expr="lte")

    class Meta:
        model = Fund
        fields = ["partner", "period", "currency", "status", "expires_before"]


class RequestFilter(PartnerScopedFilter):
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)
    activity_type = django_filters.NumberFilter(field_name="activity_type_id")
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")
    starts_after = inputs.DateFilter(field_name="start_date", lookup_expr="gte")
    starts_before = inputs.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = MdfRequest
        fields = [
            "partner",
            "status",
            "activity_type",
            "created_after",
            "created_before",
            "starts_after",
            "starts_before",
        ]


class ClaimFilter(PartnerScopedFilter):
    status = django_filters.MultipleChoiceFilter(choices=ClaimStatus.choices)
    request = django_filters.NumberFilter(field_name="request_id")
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = MdfClaim
        fields = ["partner", "status", "request", "created_after", "created_before"]


class EntryFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=EntryKind.choices)
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = FundEntry
        fields = ["kind", "created_after", "created_before"]


class ActivityTypeFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter()
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ActivityType
        fields = ["active", "name"]


@extend_schema_view(
    list=extend_schema(summary="MDF funds (partner users: their own; internal: all)"),
    retrieve=extend_schema(summary="One fund's figures"),
)
class FundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MdfFundSerializer
    filterset_class = FundFilter

    def get_queryset(self):
        return selectors.fund_list(self.request.user).order_by("-period_start", "id")

    @extend_schema(
        responses=MdfEntrySerializer(many=True),
        parameters=[
            OpenApiParameter("kind", {"type": "array", "items": {"type": "string", "enum": EntryKind.values}}),
            OpenApiParameter("created_after", OpenApiTypes.DATE),
            OpenApiParameter("created_before", OpenApiTypes.DATE),
        ],
        summary="The fund's ledger entries",
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def entries(self, request, pk=None):
        fund = get_visible_or_404(Fund, request.user, pk=pk)
        filterset = EntryFilter(request.GET, queryset=fund.entries.order_by("-created_at", "-id"), request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        queryset = filterset.qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(MdfEntrySerializer(page, many=True).data)

    @extend_schema(
        request=MdfAllocationSerializer,
        responses={201: MdfEntrySerializer},
        summary="Allocate discretionary funds to a partner (program admin)",
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[IsPortalUser, access.PermissionRequired("mdf.allocate_funds", object_level=False)],
    )
    def allocate(self, request):
        data = _body(MdfAllocationSerializer, request)
        partner = get_visible_or_404(Partner, request.user, pk=data["partner"])
        entry = services.allocate_funds(
            partner=partner,
            actor=request.user,
            amount=data["amount"],
            reason=data["reason"],
            currency=data["currency"] or None,
        )
        return Response(MdfEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class ActivityTypeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MdfActivityTypeSerializer
    filterset_class = ActivityTypeFilter

    def get_queryset(self):
        queryset = ActivityType.objects.order_by("name")
        user = self.request.user
        return queryset if access.can(user, "mdf.manage_activities") else queryset.filter(active=True)

    def get_permissions(self):
        if self.action in ("create", "update", "partial_update"):
            return [IsPortalUser(), access.PermissionRequired("mdf.manage_activities", object_level=False)()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = services.save_activity_type(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        """PUT and PATCH: the fields left out keep their values."""
        instance = serializer.instance
        terms = {field: getattr(instance, field) for field in serializer.Meta.fields if field != "id"}
        serializer.instance = services.save_activity_type(
            actor=self.request.user, activity_type=instance, **(terms | serializer.validated_data)
        )


class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MdfRequestSerializer
    filterset_class = RequestFilter

    def get_queryset(self):
        return selectors.request_list(self.request.user).order_by("-created_at", "-id")

    def _request(self):
        return get_visible_or_404(MdfRequest, self.request.user, pk=self.kwargs["pk"])

    def _out(self, obj, code=status.HTTP_200_OK):
        obj.refresh_from_db()
        return Response(MdfRequestSerializer(obj).data, status=code)

    @extend_schema(request=MdfRequestInSerializer, responses={201: MdfRequestSerializer})
    def create(self, request):
        access.require(request.user, "mdf.submit_request", standing=False)  # the service checks standing
        mdf_request = services.submit_request(user=request.user, **_body(MdfRequestInSerializer, request))
        return self._out(mdf_request, status.HTTP_201_CREATED)

    @extend_schema(request=MdfAmountSerializer, responses=MdfRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        obj = self._request()
        amount = _body(MdfAmountSerializer, request)["approved_amount"]
        return self._out(services.approve_request(mdf_request=obj, actor=request.user, amount=amount))

    @extend_schema(request=MdfSourcedDealSerializer, responses=MdfRequestSerializer)
    @action(detail=True, methods=["post"], url_path="sourced-deals")
    def sourced_deals(self, request, pk=None):
        """Name a deal this MDF activity sourced (for pipeline and bookings per MDF dollar)."""

        obj = self._request()
        deal = get_visible_or_404(DealRegistration, request.user, pk=_body(MdfSourcedDealSerializer, request)["deal"])
        services.link_sourced_deal(user=request.user, mdf_request=obj, deal=deal)
        return self._out(obj)

    @extend_schema(request=MdfReasonSerializer, responses=MdfRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        obj = self._request()
        access.require(request.user, "mdf.reject_request", standing=False)
        return self._out(
            services.reject_request(
                mdf_request=obj, actor=request.user, reason=_body(MdfReasonSerializer, request)["reason"]
            )
        )


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MdfClaimSerializer
    filterset_class = ClaimFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.claim_list(self.request.user).order_by("-created_at", "-id")

    def _claim(self):
        return get_visible_or_404(MdfClaim, self.request.user, pk=self.kwargs["pk"])

    def _out(self, obj, code=status.HTTP_200_OK):
        obj = selectors.claim_list(self.request.user).get(pk=obj.pk)
        return Response(MdfClaimSerializer(obj, context={"request": self.request}).data, status=code)

    def _finance_only(self, request, verb):
        """Refused before the body is read; the service checks again (`verb`: approve, reject, question, pay)."""
        access.require(request.user, f"mdf.{verb}_claim", standing=False)

    @extend_schema(
        request={"multipart/form-data": MdfClaimUploadSerializer},
        responses={201: MdfClaimSerializer},
        summary="Claim MDF with proof files (multipart)",
    )
    def create(self, request):
        access.require(request.user, "mdf.submit_claim", standing=False)  # the service checks standing
        data = dict(_body(MdfClaimInSerializer, request))
        mdf_request = get_visible_or_404(MdfRequest, request.user, pk=data.pop("request"))
        files = request.FILES.getlist("proof") if hasattr(request.FILES, "getlist") else []
        claim = services.submit_claim(user=request.user, mdf_request=mdf_request, files=files, **data)
        return self._out(claim, status.HTTP_201_CREATED)

    @extend_schema(request=MdfAmountSerializer, responses=MdfClaimSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        claim = self._claim()
        self._finance_only(request, "approve")
        amount = _body(MdfAmountSerializer, request)["approved_amount"]
        return self._out(services.approve_claim(claim=claim, actor=request.user, amount=amount))

    @extend_schema(request=MdfReasonSerializer, responses=MdfClaimSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        claim = self._claim()
        self._finance_only(request, "reject")
        reason = _body(MdfReasonSerializer, request)["reason"]
        return self._out(services.reject_claim(claim=claim, actor=request.user, reason=reason))

    @extend_schema(request=MdfReasonSerializer, responses=MdfClaimSerializer)
    @action(detail=True, methods=["post"], url_path="request-info")
    def request_info(self, request, pk=None):
        claim = self._claim()
        self._finance_only(request, "question")
        reason = _body(MdfReasonSerializer, request)["reason"]
        return self._out(services.request_claim_info(claim=claim, actor=request.user, reason=reason))

    @extend_schema(request=MdfPaySerializer, responses=MdfClaimSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        claim = self._claim()
        self._finance_only(request, "pay")
        reference = _body(MdfPaySerializer, request)["payment_reference"]
        return self._out(services.pay_claim(claim=claim, actor=request.user, payment_reference=reference))


class ProofDownloadView(APIView):
    """A claim's proof file: only the partner's users and internal users; anyone else gets 404."""

    @extend_schema(
        responses={(200, "*/*"): OpenApiResponse(description="The file, as an attachment, in its own content type.")},
        summary="Download a claim's proof file (the partner's users and internal users only)",
    )
    def get(self, request, pk):
        proof = selectors.proof_for(request.user, pk)
        return attachment_response(proof.file, proof.name, proof.content_type)


class MdfAccessViewSet(viewsets.GenericViewSet):
    """Who of a partner's users request and claim MDF (the API doc: MDF access): read by the partner's users and
    internal users, changed by the partner's admins; another partner's is a 404."""

    queryset = Partner.objects.none()  # names the model of the URL's object; each method scopes its own read
    lookup_url_kwarg = "partner_id"
    tenancy_model = Partner  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    tenancy_url_kwarg = "partner_id"

    def _out(self, partner):
        access = PartnerMdfAccess.objects.filter(partner=partner).first()
        body = {
            "partner": partner.pk,
            "requesters": access.requesters if access else MdfRequesters.EVERYONE,
            "changed_by": access.changed_by_id if access else None,
            "changed_at": access.changed_at if access else None,
        }
        return Response(MdfAccessSerializer(body).data)

    @extend_schema(responses=MdfAccessSerializer, summary="Who of a partner's users request and claim MDF")
    def retrieve(self, request, partner_id):
        return self._out(get_visible_or_404(Partner, request.user, pk=partner_id))

    @extend_schema(
        request=MdfAccessSerializer, responses=MdfAccessSerializer, summary="Change it (the partner's admins)"
    )
    def partial_update(self, request, partner_id):
        partner = get_visible_or_404(Partner, request.user, pk=partner_id)
        requesters = _body(MdfAccessSerializer, request)["requesters"]
        services.set_mdf_requesters(partner=partner, actor=request.user, requesters=requesters)
        return self._out(partner)

    update = partial_update
