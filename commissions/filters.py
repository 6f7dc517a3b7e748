"""Filters of the commission pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from commissions.models import BatchStatus, CommissionEntry, EntryKind, EntryStatus, PayoutBatch
from prm import inputs


class EntryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices, label=_("Kind"))
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label=_("Partner"))
    since = inputs.DateFilter(field_name="earned_on", lookup_expr="gte", label=_("Earned from"))
    until = inputs.DateFilter(field_name="earned_on", lookup_expr="lte", label=_("Earned to"))

    class Meta:
        model = CommissionEntry
        fields = ["status", "kind", "partner", "since", "until"]


class BatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BatchStatus.choices, label=_("Status"))
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label=_("Partner"))
    currency = django_filters.CharFilter(lookup_expr="iexact", label=_("Currency"))
    since = inputs.DateFilter(field_name="created_at__date", lookup_expr="gte", label=_("Created from"))
    until = inputs.DateFilter(field_name="created_at__date", lookup_expr="lte", label=_("Created to"))

    class Meta:
        model = PayoutBatch
        fields = ["status", "partner", "currency", "since", "until"]
