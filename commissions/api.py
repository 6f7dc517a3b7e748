"""Commissions API (the API doc: Commissions). Thin: parse, call a service or selector, serialise."""

import django_filters
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.permissions import IsPortalUser
from commissions import holds, selectors, services
from commissions.models import BatchStatus, CommissionEntry, EntryKind, EntryStatus, PayoutBatch
from deals.api import PartnerIdFilter
from deals.models import DealRegistration
from partners.models import Partner
from prm import inputs
from prm.api import validated_body as _body
from prm.money import CurrencySerializerField
from prm.periods import parse_period
from prm.tenancy import get_visible_or_404


def _readers(name: str) -> list:
    """Logged in (a read-only token may read) and holding `name` (commissions/access.py)."""
    return [IsPortalUser, access.PermissionRequired(name, object_level=False)]


class EntrySerializer(serializers.ModelSerializer):
    deal = serializers.IntegerField(source="deal_id", read_only=True, allow_null=True)
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    batch = serializers.IntegerField(source="batch_id", read_only=True, allow_null=True)
    payout_held = serializers.SerializerMethodField()

    class Meta:
        model = CommissionEntry
        fields = [
            "id",
            "deal",
            "partner",
            "kind",
            "base_amount",
            "rate",
            "amount",
            "currency",
            "status",
            "created_at",
            "earned_on",
            "period_key",
            "description",
            "reason",
            "batch",
            "approved_at",
            "paid_at",
            "payout_held",
        ]

    def get_payout_held(self, entry) -> bool:
        """Unpaid and its partner suspended or terminated (docs/partner-status.md); computed once per response."""
        if entry.status == EntryStatus.PAID:
            return False
        if "held_partner_ids" not in self.context:
            self.context["held_partner_ids"] = holds.held_partner_ids()
        return entry.partner_id in self.context["held_partner_ids"]


class BatchSerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    submitted_by = serializers.IntegerField(source="submitted_by_id", read_only=True, allow_null=True)
    approved_by = serializers.IntegerField(source="approved_by_id", read_only=True, allow_null=True)
    entries = serializers.SerializerMethodField()

    class Meta:
        model = PayoutBatch
        fields = [
            "id",
            "partner",
            "status",
            "total",
            "currency",
            "entries",
            "created_by",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "paid_at",
            "payment_reference",
            "created_at",
        ]

    def get_entries(self, batch) -> list[int]:
        return sorted(batch.entries.values_list("pk", flat=True))


class BatchCreateSerializer(serializers.Serializer):
    partner = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    currency = CurrencySerializerField(required=False, default="")


class ReleaseHeldSerializer(serializers.Serializer):
    partner = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=2000)


class PayoutReleaseSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="partner_id")
    released_by = serializers.IntegerField(source="released_by_id")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField(read_only=True)


class BulkApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=5000)


class AdjustmentSerializer(serializers.Serializer):
    partner = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = CurrencySerializerField(required=False, default="")
    reason = serializers.CharField(max_length=2000)
    deal = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None)


class EntryApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices)
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices)
    partner = PartnerIdFilter()
    deal = django_filters.NumberFilter(field_name="deal_id")
    batch = django_filters.NumberFilter(field_name="batch_id")
    period = django_filters.CharFilter(method="filter_period", label="Earned in 2026-Q4 or 2026-11")
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")
    held = django_filters.BooleanFilter(method="filter_held", label="Unpaid and held (docs/partner-status.md)")

    class Meta:
        model = CommissionEntry
        fields = ["status", "kind", "partner", "deal", "batch", "period", "created_after", "created_before", "held"]

    def filter_held(self, queryset, name, value):
        held = queryset.filter(partner_id__in=holds.held_partner_ids(), status__in=holds.UNPAID)
        return held if value else queryset.exclude(pk__in=held.values("pk"))

    def filter_period(self, queryset, name, value):
        try:
            period = parse_period(value)
        except ValueError as error:
            raise serializers.ValidationError({"period": [str(error)]}) from None
        return queryset.filter(earned_on__gte=period.start, earned_on__lt=period.end)


class PayoutApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BatchStatus.choices)
    partner = PartnerIdFilter()
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = PayoutBatch
        fields = ["status", "partner", "created_after", "created_before"]


class ApprovedCountSerializer(serializers.Serializer):
    approved = serializers.IntegerField(help_text="How many of the ids were pending and are now approved.")


class StatementTotalsSerializer(serializers.Serializer):
    earned = serializers.DecimalField(max_digits=16, decimal_places=2)
    approved = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(max_digits=16, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)


@extend_schema_view(
    list=extend_schema(summary="Commission entries (partner admin: own; internal: all)"),
    retrieve=extend_schema(summary="One commission entry"),
)
class EntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = _readers("commissions.view_entries")
    serializer_class = EntrySerializer
    filterset_class = EntryApiFilter

    def get_queryset(self):
        return selectors.entry_list(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        entry = get_visible_or_404(CommissionEntry, request.user, pk=pk)
        entry = services.approve_entry(entry=entry, actor=request.user)
        return Response(EntrySerializer(entry).data)

    @extend_schema(
        request=BulkApproveSerializer,
        responses=ApprovedCountSerializer,
        operation_id="commissions_entries_approve_many",
        summary="Approve many pending entries at once (finance)",
    )
    @action(detail=False, methods=["post"], url_path="approve")
    def approve_many(self, request):
        access.require(request.user, "commissions.approve_entries")  # 403 before the body's 400
        ids = _body(BulkApproveSerializer, request)["ids"]
        approved = services.approve_entries(entry_ids=ids, actor=request.user)
        return Response(ApprovedCountSerializer({"approved": approved}).data)

    @extend_schema(request=AdjustmentSerializer, responses={201: EntrySerializer})
    @action(detail=False, methods=["post"])
    def adjustments(self, request):
        access.require(request.user, "commissions.add_adjustment", standing=False)
        body = _body(AdjustmentSerializer, request)
        partner = get_visible_or_404(Partner, request.user, pk=body["partner"])
        deal = None
        if body["deal"] is not None:
            deal = get_visible_or_404(DealRegistration, request.user, pk=body["deal"])
        entry = services.add_adjustment(
            actor=request.user,
            partner=partner,
            amount=body["amount"],
            reason=body["reason"],
            currency=body["currency"],
            deal=deal,
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Payout batches (finance, program admin)"),
    retrieve=extend_schema(summary="One payout batch"),
)
class PayoutViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = _readers("commissions.view_payouts")
    serializer_class = BatchSerializer
    filterset_class = PayoutApiFilter

    def get_queryset(self):
        return selectors.batch_list(self.request.user).order_by("-created_at", "-id")

    def _batch(self):
        return get_visible_or_404(PayoutBatch, self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=BatchCreateSerializer, responses={201: BatchSerializer})
    def create(self, request):
        access.require(request.user, "commissions.create_batch", standing=False)
        body = _body(BatchCreateSerializer, request)
        partner = get_visible_or_404(Partner, request.user, pk=body["partner"])
        batch = services.create_payout_batch(partner=partner, actor=request.user, currency=body["currency"])
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=BatchSerializer, summary="Submit a draft batch for approval (finance)")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        batch = services.submit_batch(batch=self._batch(), actor=request.user)
        return Response(BatchSerializer(batch).data)

    @extend_schema(request=None, responses=BatchSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        batch = services.approve_batch(batch=self._batch(), actor=request.user)
        return Response(BatchSerializer(batch).data)

    @extend_schema(request=None, responses={202: BatchSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        batch = services.pay_batch(batch=self._batch(), actor=request.user)
        batch.refresh_from_db()
        return Response(BatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=ReleaseHeldSerializer, responses=PayoutReleaseSerializer)
    @action(detail=False, methods=["post"], url_path="release-held")
    def release_held(self, request):
        """Finance releases a terminated partner's held payouts (docs/partner-status.md); 409 otherwise."""
        access.require(request.user, "commissions.release_held")  # before the body
        body = _body(ReleaseHeldSerializer, request)
        partner = get_visible_or_404(Partner, request.user, pk=body["partner"])
        release = holds.release_held_payouts(actor=request.user, partner=partner, reason=body["reason"])
        return Response(PayoutReleaseSerializer(release).data)


class StatementLineSerializer(serializers.Serializer):
    entry = serializers.IntegerField(source="pk")
    deal = serializers.IntegerField(source="deal_id", allow_null=True)
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    status = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True, read_only=True)
    earned_on = serializers.DateField(read_only=True)
    description = serializers.CharField()


class StatementSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="partner.pk")
    period = serializers.CharField(source="period.key")
    currency = serializers.CharField()
    currencies = serializers.ListField(child=serializers.CharField(), help_text="Every currency in the period.")
    lines = StatementLineSerializer(many=True)
    totals = StatementTotalsSerializer()


class StatementQuerySerializer(serializers.Serializer):
    period = serializers.CharField(help_text="2026-Q4 or 2026-11")
    partner = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Optional for partner admins; required for finance"
    )
    currency = CurrencySerializerField(required=False, help_text="ISO 4217; default: the one used")

    def validate_period(self, value):
        try:
            parse_period(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None
        return value


class StatementView(APIView):
    permission_classes = _readers("commissions.fetch_statements")

    @extend_schema(
        parameters=[StatementQuerySerializer],
        responses=StatementSerializer,
        summary="A partner's commission statement for a period",
    )
    def get(self, request):
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        partner = params.get("partner")
        if partner is None and not access.is_partner_user(request.user):
            raise serializers.ValidationError({"partner": [gettext("Name the partner (its id).")]})
        result = selectors.statement(
            request.user, partner_id=partner, period_key=params["period"], currency=params.get("currency", "")
        )
        return Response(StatementSerializer(result).data)
