"""GET /api/v1/analytics/kpis/ and /api/v1/analytics/program/ (the API doc: Analytics), from KpiSnapshot rows.

kpis: a partner admin reads their own partner (`partner` optional; another partner's id is 404),
partner users get 403, internal users read any partner (`partner` required, 400 without). A period the
rollup has no row for answers zeros (the partner exists). program: internal users only; each group's
rates are recomputed from its summed counts, never averaged.
"""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.permissions import IsPortalUser
from analytics import selectors
from partners.models import Partner
from prm.periods import parse_period
from prm.tenancy import get_visible_or_404

KpiReaders = [IsPortalUser, access.PermissionRequired("analytics.read_partner_kpis", object_level=False)]
GROUP_BY = ("tier", "partner_type", "region")


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, **kwargs)


def _rate(**kwargs):
    return serializers.DecimalField(max_digits=7, decimal_places=4, coerce_to_string=True, allow_null=True, **kwargs)


class KpiFieldsSerializer(serializers.Serializer):
    """The KPI set of the API doc; money in the program currency with 2 places, rates as 4-place fractions."""

    sourced_bookings = _money()
    influenced_bookings = _money()
    sourced_pipeline = _money()
    influenced_pipeline = _money()
    registered_deals = serializers.IntegerField(help_text="Registrations the vendor accepted in the period.")
    registered_value = _money()
    win_rate = _rate(help_text="won / (won + lost) closed in the period; null when none closed.")
    sales_cycle_days = serializers.DecimalField(
        max_digits=7, decimal_places=1, coerce_to_string=True, allow_null=True, help_text="Average over won deals."
    )
    average_deal_size = _money(allow_null=True)
    certified_people = serializers.IntegerField()
    mdf_utilisation = _rate(help_text="(committed + paid) / (accrued + allocated) of the period's MDF funds.")
    pipeline_per_mdf_dollar = _money(allow_null=True, help_text="MDF-sourced pipeline per MDF dollar spent.")
    commission_paid = _money()
    commission_owed = _money()
    leads_accepted = serializers.IntegerField()


class PartnerKpiSerializer(KpiFieldsSerializer):
    partner = serializers.IntegerField()
    period = serializers.CharField()
    currency = serializers.CharField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        head = {key: data.pop(key) for key in ("partner", "period", "currency")}
        return {**head, **data}


class ProgramGroupSerializer(KpiFieldsSerializer):
    key = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        head = {key: data.pop(key) for key in ("key", "name")}
        return {**head, **data}


class ProgramSerializer(serializers.Serializer):
    period = serializers.CharField()
    group_by = serializers.ChoiceField(choices=GROUP_BY)
    groups = ProgramGroupSerializer(many=True)


QueryError = inline_serializer(
    "AnalyticsQueryError",
    {
        "period": serializers.ListField(child=serializers.CharField(), required=False),
        "partner": serializers.ListField(child=serializers.CharField(), required=False),
        "group_by": serializers.ListField(child=serializers.CharField(), required=False),
    },
)


def _period(params, errors):
    try:
        return parse_period(params.get("period", ""))
    except ValueError as error:
        errors["period"] = [str(error)]
        return None


def partner_param(request, errors: dict) -> str:
    """`?partner=`: a numeric id; internal users must give it, a partner admin may leave it out (their own)."""
    partner_id = request.query_params.get("partner", "")
    if partner_id and not partner_id.isdigit():
        errors["partner"] = [gettext("Give the partner's numeric id.")]
    elif not partner_id and access.is_internal(request.user):
        errors["partner"] = [gettext("Give the partner's id: ?partner=<id>.")]
    return partner_id


def requested_partner(request, partner_id: str) -> Partner:
    """The partner a validated `?partner=` names (or the caller's own); 404 outside the caller's tenancy."""
    partner_id = partner_id or request.user.partner_id
    if partner_id is None:
        raise Http404
    return get_visible_or_404(Partner, request.user, pk=int(partner_id))


def partner_query(request, parse):
    """The validated `?period=` (read with `parse`, which raises ValueError) and `?partner=` of a partner's
    figures: (partner, period); 400 with every field's error, 404 outside the caller's tenancy."""
    errors = {}
    period = None
    try:
        period = parse(request.query_params.get("period", ""))
    except ValueError as error:
        errors["period"] = [str(error)]
    partner_id = partner_param(request, errors)
    if errors:
        raise serializers.ValidationError(errors)
    return requested_partner(request, partner_id), period


class KpiView(APIView):
    permission_classes = KpiReaders
    serializer_class = PartnerKpiSerializer

    @extend_schema(
        operation_id="analytics_kpis_retrieve",
        parameters=[
            OpenApiParameter("period", str, required=True, description="A month (2026-11) or quarter (2026-Q4)"),
            OpenApiParameter("partner", int, required=False, description="Required for internal users"),
        ],
        responses={200: PartnerKpiSerializer, 400: QueryError},
    )
    def get(self, request):
        partner, period = partner_query(request, parse_period)
        row = selectors.partner_kpis(partner_id=partner.pk, period=period)
        row |= {"partner": partner.pk, "period": period.key, "currency": settings.DEFAULT_CURRENCY}
        return Response(PartnerKpiSerializer(row).data)


class ProgramView(APIView):
    permission_classes = [IsPortalUser, access.PermissionRequired("analytics.view_program", object_level=False)]
    serializer_class = ProgramSerializer

    @extend_schema(
        operation_id="analytics_program_retrieve",
        parameters=[
            OpenApiParameter("period", str, required=True, description="A month (2026-11) or quarter (2026-Q4)"),
            OpenApiParameter("group_by", str, required=True, enum=list(GROUP_BY)),
        ],
        responses={200: ProgramSerializer, 400: QueryError},
    )
    def get(self, request):
        errors = {}
        period = _period(request.query_params, errors)
        group_by = request.query_params.get("group_by", "")
        if group_by not in GROUP_BY:
            errors["group_by"] = [gettext("Group by one of: %(choices)s.") % {"choices": ", ".join(GROUP_BY)}]
        if errors:
            raise serializers.ValidationError(errors)
        groups = selectors.program_groups(period=period, group_by=group_by)
        for group in groups:
            group["key"] = None if group["key"] is None else str(group["key"])
        data = {"period": period.key, "group_by": group_by, "groups": groups}
        return Response(ProgramSerializer(data).data)
