"""Filters of the MDF list pages."""

import django_filters

from mdf.models import ActivityType, ClaimStatus, EntryKind, FundEntry, MdfClaim, MdfRequest, RequestStatus


class EntryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices)
    period = django_filters.CharFilter(field_name="fund__period", label="Period")
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="From")
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="To")

    class Meta:
        model = FundEntry
        fields = ["kind", "period", "since", "until"]


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)
    activity_type = django_filters.ModelChoiceFilter(queryset=ActivityType.objects.all(), label="Activity")
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label="Partner")
    title = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = MdfRequest
        fields = ["status", "activity_type", "partner", "title"]


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices)
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label="Partner")
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="Filed from")
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="Filed to")

    class Meta:
        model = MdfClaim
        fields = ["status", "partner", "since", "until"]
