"""Filters of the enablement list pages."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone

from enablement.models import (
    AssetCategory,
    Certificate,
    CertificateStatus,
    Certification,
    CertificationKind,
    Course,
    CourseKind,
    LibraryAsset,
)
from partners.models import PartnerType, Tier


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(choices=CourseKind.choices)

    class Meta:
        model = Course
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


class ManageCourseFilter(CourseFilter):
    published = django_filters.BooleanFilter()

    class Meta(CourseFilter.Meta):
        fields = ["q", "kind", "published"]


class CertificateFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(method="search_person", label="Person")
    certification = django_filters.ModelChoiceFilter(queryset=Certification.objects.all())
    kind = django_filters.ChoiceFilter(field_name="certification__kind", choices=CertificationKind.choices)
    status = django_filters.ChoiceFilter(method="filter_status", choices=CertificateStatus.choices)
    expiring = django_filters.ChoiceFilter(
        method="filter_expiring", choices=[("30", "Within 30 days"), ("90", "Within 90 days")], label="Expiring"
    )

    class Meta:
        model = Certificate
        fields = ["person", "certification", "kind", "status", "expiring"]

    def search_person(self, queryset, name, value):
        return queryset.filter(
            Q(user__email__icontains=value) | Q(user__first_name__icontains=value) | Q(user__last_name__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        if value == CertificateStatus.VALID:
            return queryset.filter(status=value, expires_at__gt=now)
        if value == CertificateStatus.EXPIRED:
            return queryset.filter(Q(status=value) | Q(status=CertificateStatus.VALID, expires_at__lte=now))
        return queryset.filter(status=value)

    def filter_expiring(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(
            status=CertificateStatus.VALID, expires_at__gt=now, expires_at__lte=now + timedelta(days=int(value))
        )


class InternalCertificateFilter(CertificateFilter):
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label="Partner")
    partner_type = django_filters.ChoiceFilter(field_name="partner__partner_type", choices=PartnerType.choices)
    tier = django_filters.ModelChoiceFilter(field_name="partner__tier", queryset=Tier.objects.all())

    class Meta(CertificateFilter.Meta):
        fields = ["person", "partner", "partner_type", "tier", "certification", "kind", "status", "expiring"]


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    category = django_filters.ChoiceFilter(choices=AssetCategory.choices)

    class Meta:
        model = LibraryAsset
        fields = ["q", "category"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
