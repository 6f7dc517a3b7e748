"""Filters of the enablement list pages."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=CourseKind.choices, label=_("Kind"))

    class Meta:
        model = Course
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


class ManageCourseFilter(CourseFilter):
    published = django_filters.BooleanFilter(label=_("Published"))

    class Meta(CourseFilter.Meta):
        fields = ["q", "kind", "published"]


class CertificateFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(method="search_person", label=_("Person"))
    certification = django_filters.ModelChoiceFilter(queryset=Certification.objects.all(), label=_("Certification"))
    kind = django_filters.ChoiceFilter(
        field_name="certification__kind", choices=CertificationKind.choices, label=_("Kind")
    )
    status = django_filters.ChoiceFilter(method="filter_status", choices=CertificateStatus.choices, label=_("Status"))
    expiring = django_filters.ChoiceFilter(
        method="filter_expiring",
        choices=[("30", _("Within 30 days")), ("90", _("Within 90 days"))],
        label=_("Expiring"),
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
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label=_("Partner"))
    partner_type = django_filters.ChoiceFilter(
        field_name="partner__partner_type", choices=PartnerType.choices, label=_("Partner type")
    )
    tier = django_filters.ModelChoiceFilter(field_name="partner__tier", queryset=Tier.objects.all(), label=_("Tier"))

    class Meta(CertificateFilter.Meta):
        fields = ["person", "partner", "partner_type", "tier", "certification", "kind", "status", "expiring"]


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    category = django_filters.ChoiceFilter(choices=AssetCategory.choices, label=_("Category"))

    class Meta:
        model = LibraryAsset
        fields = ["q", "category"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
