"""Exchange rates API (REST API v1): internal roles list the rate table; finance records rates."""

import django_filters
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounts import access
from accounts.permissions import IsPortalUser
from fx import selectors, services
from fx.models import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, ExchangeRate, latest_rate_day
from prm import inputs
from prm.money import CurrencySerializerField

ABOUT = (
    "Finance's effective-dated rate table. `rate` is how many units of the program currency (`program_currency`) "
    "one unit of `currency` is worth from `effective_from` until the next rate of that currency. Rows are never "
    "edited: a correction of a day is a new row for the same currency and day, and the latest recorded row wins "
    "(the one it replaced has `superseded: true`). Program-level totals (analytics) convert each amount at the "
    "rate in force on the record's date."
)


class ExchangeRateSerializer(serializers.ModelSerializer):
    rate = serializers.DecimalField(max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES)
    program_currency = serializers.SerializerMethodField()
    in_force = serializers.BooleanField(help_text="The row in force today for its currency.")
    superseded = serializers.BooleanField(help_text="A later correction for the same currency and day exists.")
    created_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ExchangeRate
        fields = [
            "id",
            "currency",
            "rate",
            "program_currency",
            "effective_from",
            "in_force",
            "superseded",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_program_currency(self, obj) -> str:
        return settings.DEFAULT_CURRENCY


class ExchangeRateCreateSerializer(serializers.Serializer):
    currency = CurrencySerializerField(help_text="ISO 4217 code, not the program currency.")
    rate = serializers.DecimalField(
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        help_text="Program currency per 1 unit, greater than zero, at most 8 decimal places.",
    )
    effective_from = inputs.ApiDateField(latest=latest_rate_day)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RateApiFilter(django_filters.FilterSet):
    currency = django_filters.CharFilter(method="filter_currency")
    effective_after = inputs.DateFilter(field_name="effective_from", lookup_expr="gte")
    effective_before = inputs.DateFilter(field_name="effective_from", lookup_expr="lte")

    class Meta:
        model = ExchangeRate
        fields = ["currency"]

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency=value.strip().upper())


@extend_schema_view(
    list=extend_schema(
        operation_id="fx_rates_list",
        description=ABOUT,
        parameters=[
            OpenApiParameter("currency", str, description="ISO 4217 code, e.g. EUR."),
            OpenApiParameter("effective_after", OpenApiTypes.DATE, description="Effective on or after."),
            OpenApiParameter("effective_before", OpenApiTypes.DATE, description="Effective on or before."),
        ],
    ),
)
class ExchangeRateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    __doc__ = ABOUT

    serializer_class = ExchangeRateSerializer
    permission_classes = [IsPortalUser, access.PermissionRequired("fx.view_rates", object_level=False)]
    filterset_class = RateApiFilter

    def get_queryset(self):
        return selectors.rates_for(self.request.user)

    @extend_schema(
        operation_id="fx_rates_create",
        request=ExchangeRateCreateSerializer,
        responses={
            201: ExchangeRateSerializer,
            400: OpenApiResponse(description="Field errors: unknown or program currency, rate not > 0, bad date"),
            403: OpenApiResponse(description="Only finance records rates"),
        },
        description="Finance records a rate (audited). " + ABOUT,
    )
    def create(self, request):
        body = ExchangeRateCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.record_rate(user=request.user, **body.validated_data)
        created = selectors.rates_for(request.user).get(pk=row.pk)
        return Response(ExchangeRateSerializer(created).data, status=status.HTTP_201_CREATED)
