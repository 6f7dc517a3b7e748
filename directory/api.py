"""GET /api/v1/directory/partners/: the public directory as JSON (no login; the API doc: Partner directory)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import selectors
from directory.forms import SearchForm


class ListingSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField(source="partner.name")
    partner_type = serializers.CharField(source="partner.partner_type")
    country = serializers.CharField(source="partner.country.code")
    region = serializers.CharField(source="partner.region")
    tier = serializers.CharField(source="partner.tier.name")
    headline = serializers.CharField()
    certificates = serializers.SerializerMethodField()
    median_lead_response_hours = serializers.SerializerMethodField()
    profile_url = serializers.SerializerMethodField()
    statement_url = serializers.SerializerMethodField()

    def get_certificates(self, listing) -> int | None:
        return listing.certificate_count if listing.show_certifications else None

    def get_median_lead_response_hours(self, listing) -> str | None:
        hours = listing.median_response_hours
        return str(hours) if listing.show_response_time and hours is not None else None

    def get_profile_url(self, listing) -> str:
        return self.context["request"].build_absolute_uri(listing.get_absolute_url())

    def get_statement_url(self, listing) -> str:
        return self.context["request"].build_absolute_uri(reverse("receipts:listing_statement", args=[listing.slug]))


class DirectoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = ListingSerializer(many=True)


FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Part of the partner's name."),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166 country code."),
    OpenApiParameter("region", OpenApiTypes.STR, enum=["na", "latam", "emea", "apac"]),
    OpenApiParameter("partner_type", OpenApiTypes.STR),
    OpenApiParameter("tier", OpenApiTypes.INT, description="A tier id whose benefits include a listing."),
    OpenApiParameter("specialisation", OpenApiTypes.STR),
    OpenApiParameter("industry", OpenApiTypes.STR),
    OpenApiParameter("certification", OpenApiTypes.INT, description="A certification id held."),
    OpenApiParameter("language", OpenApiTypes.STR, description="ISO 639-1 language code."),
    OpenApiParameter("page", OpenApiTypes.INT, description="1 to 1000."),
]


class DirectoryPartnersView(APIView):
    """Listed partners ranked by measured facts (docs/directory.md, "Ranking"), 20 a page."""

    permission_classes = [permissions.AllowAny]  # the API's default throttle counts anonymous callers by address

    def get_authenticators(self):
        return []  # public: no credentials read

    @extend_schema(
        summary="Search the public partner directory (no login)",
        parameters=FILTERS,
        responses={200: DirectoryPageSerializer, 400: OpenApiResponse(description="A filter value is not valid.")},
        auth=[],
    )
    def get(self, request):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        page = selectors.search(form.cleaned_data)
        body = {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": ListingSerializer(page.object_list, many=True, context={"request": request}).data,
        }
        return Response(body)
