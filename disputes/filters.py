import django_filters
from django.utils.translation import gettext_lazy as _

from accounts import access
from disputes.models import Dispute, DisputeStatus


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DisputeStatus.choices, label=_("Status"))
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", _("Overdue")), ("no", _("Within the SLA"))], method="filter_overdue", label=_("SLA")
    )
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label=_("Partner"))
    customer = django_filters.CharFilter(field_name="deal__customer_name", lookup_expr="icontains", label=_("Customer"))

    class Meta:
        model = Dispute
        fields = ["status", "overdue", "partner", "customer"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None and not access.is_internal(request.user):
            self.filters.pop("partner", None)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue=(value == "yes"))
