"""GET /api/v1/analytics/scorecards/?partner={id}&period=2026-Q4 (the API doc: Analytics).

A partner admin reads their own partner's scorecard (`partner` optional; another partner's id is 404),
partner users get 403, internal users read any partner's (`partner` required). With no Scorecard row
yet, the score is computed for that partner and quarter on the spot; a quarter that ended before the partner
joined has none (404).
"""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import KpiReaders, partner_query
from analytics.models import Scorecard, ScorecardCriterion
from analytics.scorecards.scoring import compute_scorecards, quarter


class ScorecardCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.IntegerField()
    value = serializers.CharField(allow_null=True, help_text="The measured KPI value or the 1-5 rating; null if none.")
    score = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True)
    source = serializers.CharField(required=False)
    not_rated = serializers.BooleanField(required=False)


class ScorecardSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="partner_id")
    period = serializers.CharField()
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    criteria = serializers.SerializerMethodField()

    @extend_schema_field(ScorecardCriterionSerializer(many=True))
    def get_criteria(self, card):
        order = self.context["order"]
        entries = sorted(card.criteria, key=lambda entry: order.get(entry["key"], len(order)))
        return ScorecardCriterionSerializer(entries, many=True).data


class ScorecardView(APIView):
    permission_classes = KpiReaders
    serializer_class = ScorecardSerializer

    @extend_schema(
        operation_id="analytics_scorecard_retrieve",
        parameters=[
            OpenApiParameter("period", str, required=True, description="A fiscal quarter, e.g. 2026-Q4"),
            OpenApiParameter("partner", int, required=False, description="Required for internal users"),
        ],
        responses={
            200: ScorecardSerializer,
            400: inline_serializer(
                "ScorecardQueryError",
                {
                    "period": serializers.ListField(child=serializers.CharField(), required=False),
                    "partner": serializers.ListField(child=serializers.CharField(), required=False),
                },
            ),
        },
    )
    def get(self, request):
        partner, period = partner_query(request, quarter)
        period = period.key
        card = Scorecard.objects.filter(partner=partner, period=period).first()
        if card is None:
            compute_scorecards(periods=[period], partner_ids=[partner.pk])
            card = Scorecard.objects.filter(partner=partner, period=period).first()
        if card is None:  # a quarter that ended before the partner joined has no scorecard (docs/figures.md)
            raise NotFound(gettext("No scorecard: the partner had not joined the program by the end of that quarter."))
        order = {key: i for i, key in enumerate(ScorecardCriterion.objects.values_list("key", flat=True))}
        return Response(ScorecardSerializer(card, context={"order": order}).data)
