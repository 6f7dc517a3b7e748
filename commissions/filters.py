"""Filters of the commission pages."""

import django_filters

from commissions.models import BatchStatus, CommissionEntry, EntryKind, EntryStatus, PayoutBatch


class EntryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices)
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices)
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label="Partner")
    since = django_filters.DateFilter(field_name="earned_on", lookup_expr="gte", label="Earned from")
    until = django_filters.DateFilter(field_name="earned_on", lookup_expr="lte", label="Earned to")

    class Meta:
        model = CommissionEntry
        fields = ["status", "kind", "partner", "since", "until"]


class BatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BatchStatus.choices)
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label="Partner")
    currency = django_filters.CharFilter(lookup_expr="iexact", label="Currency")
    since = django_filters.DateFilter(field_name="created_at__date", lookup_expr="gte", label="Created from")
    until = django_filters.DateFilter(field_name="created_at__date", lookup_expr="lte", label="Created to")

    class Meta:
        model = PayoutBatch
        fields = ["status", "partner", "currency", "since", "until"]
