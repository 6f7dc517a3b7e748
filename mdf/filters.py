"""Filters of the MDF list pages."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mdf.models import ActivityType, ClaimStatus, EntryKind, FundEntry, MdfClaim, MdfRequest, RequestStatus
from prm import inputs


class EntryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices, label=_("Movement"))
    period = django_filters.CharFilter(field_name="fund__period", label=_("Period"))
    since = inputs.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=pgettext_lazy("date range", "From")
    )
    until = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte", label=pgettext_lazy("date range", "To"))

    class Meta:
        model = FundEntry
        fields = ["kind", "period", "since", "until"]


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Status"))
    activity_type = django_filters.ModelChoiceFilter(queryset=ActivityType.objects.all(), label=_("Activity"))
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label=_("Partner"))
    title = django_filters.CharFilter(lookup_expr="icontains", label=_("Title"))

    class Meta:
        model = MdfRequest
        fields = ["status", "activity_type", "partner", "title"]


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices, label=_("Status"))
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label=_("Partner"))
    since = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Filed from"))
    until = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Filed to"))

    class Meta:
        model = MdfClaim
        fields = ["status", "partner", "since", "until"]
