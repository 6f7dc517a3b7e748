"""Certifications and certificates in the API, and a certificate's Open Badges credential."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from enablement import credentials, selectors, services
from enablement.api import serializers as s
from enablement.models import Certificate, CertificateStatus, Certification, CertificationKind
from prm import inputs
from prm.tenancy import get_visible_or_404


class CertificationApiFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CertificationKind.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = Certification
        fields = ["kind", "active"]


class CertificateApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices, method="filter_status")
    kind = django_filters.ChoiceFilter(field_name="certification__kind", choices=CertificationKind.choices)
    certification = django_filters.NumberFilter(field_name="certification_id")
    user = django_filters.NumberFilter(field_name="user_id")
    issued_after = inputs.DateFilter(field_name="issued_at", lookup_expr="date__gte")
    issued_before = inputs.DateFilter(field_name="issued_at", lookup_expr="date__lte")
    expires_before = inputs.DateFilter(field_name="expires_at", lookup_expr="date__lte")

    class Meta:
        model = Certificate
        fields = ["status", "kind", "certification", "user", "issued_after", "issued_before", "expires_before"]

    def filter_status(self, queryset, name, value):
        """The status as the API shows it: a valid certificate past its expiry reads as expired."""
        now = timezone.now()
        if value == CertificateStatus.VALID:
            return queryset.filter(status=CertificateStatus.VALID, expires_at__gt=now)
        if value == CertificateStatus.EXPIRED:
            return queryset.filter(status__in=[CertificateStatus.VALID, CertificateStatus.EXPIRED]).exclude(
                status=CertificateStatus.VALID, expires_at__gt=now
            )
        return queryset.filter(status=value)


@extend_schema_view(
    list=extend_schema(summary="Certifications the program offers"),
    retrieve=extend_schema(summary="One certification"),
)
class CertificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CertificationSerializer
    filterset_class = CertificationApiFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            Certification.objects.visible_to(self.request.user)
            .prefetch_related("required_courses")
            .order_by("name", "id")
        )

    @extend_schema(
        request=s.CertificationWriteSerializer,
        responses={201: s.CertificationSerializer},
        summary="Author a certification",
    )
    def create(self, request):
        access.require(request.user, "enablement.author")
        serializer = s.CertificationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification = services.save_certification(actor=request.user, data=dict(serializer.validated_data))
        return Response(s.CertificationSerializer(certification).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Certificates: own (partner admin: whole org; internal: all)"),
    retrieve=extend_schema(summary="One certificate; 404 outside what the caller may see"),
)
class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CertificateSerializer
    filterset_class = CertificateApiFilter

    def get_queryset(self):
        return selectors.certificates(self.request.user).order_by("-issued_at", "-id")


class CertificateCredentialView(APIView):
    """The certificate as a signed Open Badges 3.0 credential (its holder, the partner admin, internal users)."""

    @extend_schema(
        summary="A certificate as an Open Badges 3.0 verifiable credential (eddsa-jcs-2022 proof)",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk):
        certificate = get_visible_or_404(selectors.certificates(request.user), request.user, pk=pk)
        if certificate.status == CertificateStatus.REVOKED:
            raise serializers.ValidationError({"certificate": [gettext("A revoked certificate has no credential.")]})
        return Response(credentials.open_badge_credential(certificate))
