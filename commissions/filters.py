"""Filters of the commission pages."""

import django_filters

from commissions.models import CommissionEntry, EntryKind, EntryStatus


class EntryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices)
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices)
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label="Partner")
    since = django_filters.DateFilter(field_name="earned_on", lookup_expr="gte", label="Earned from")
    until = django_filters.DateFilter(field_name="earned_on", lookup_expr="lte", label="Earned to")

    class Meta:
        model = CommissionEntry
        fields = ["status", "kind", "partner", "since", "until"]
