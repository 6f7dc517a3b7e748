"""SLA pages (internal): open items waiting on the vendor, and the breach history."""

from types import SimpleNamespace

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from partners.models import Partner
from prm import inputs
from prm.exports import export_response, wants_export
from sla import selectors
from sla.models import SlaEscalation, SlaKind
from sla.registry import kinds_for

YES_NO = [("", gettext_lazy("Any")), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def partners_for(user):
    partners = Partner.objects.visible_to(user)
    if access.is_channel_manager(user):
        partners = partners.managed_by(user)
    return partners.order_by("name")


class SlaPagesMixin(PermissionRequiredMixin):
    """Anonymous visitors go to the login page; users without "sla.see_pages" (sla/access.py) get 403."""

    permission_required = "sla.see_pages"


class OpenItemFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    partner = forms.ModelChoiceField(label=gettext_lazy("Partner"), queryset=Partner.objects.none(), required=False)
    breached = forms.ChoiceField(label=gettext_lazy("Breached"), choices=YES_NO, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + [(k.key, k.label) for k in kinds_for(user)]
        self.fields["partner"].queryset = partners_for(user)
        self.fields["partner"].empty_label = _("All partners")


def _csv_columns():
    return [
        (_("Kind"), "kind_label"),
        (_("Item"), "title"),
        (_("Item id"), "object_id"),
        (_("Partner"), "partner_name"),
        (_("Waiting since"), lambda item: timezone.localtime(item.started_at).isoformat()),
        (_("Waited (business days)"), "waited_days"),
        (_("SLA (business days)"), "sla_days"),
        (_("Due"), lambda item: timezone.localtime(item.due_at).isoformat()),
        (_("Breached"), lambda item: _("yes") if item.breached else _("no")),
    ]


class OpenItemsView(SlaPagesMixin, View):
    """/sla/: what the vendor owes a decision on, with waited time, due moment and breach; filter and CSV."""

    paginate_by = 25

    def get(self, request):
        user = request.user
        form = OpenItemFilterForm(request.GET or None, user=user)
        items: list = []
        if not form.is_bound or form.is_valid():
            data = form.cleaned_data if form.is_bound else {}
            breached = {"yes": True, "no": False}.get(data.get("breached") or "")
            partner = data.get("partner")
            items = selectors.open_items(
                user, kind=data.get("kind") or None, partner_id=partner.pk if partner else None, breached=breached
            )
        if wants_export(request):
            name = f"sla-open-items-{timezone.localdate().isoformat()}.csv"
            return export_response(request, name, _csv_columns(), items)
        paginator = Paginator(items, self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        visible = {k.key for k in kinds_for(user)}
        context = {
            "filter": SimpleNamespace(form=form),
            "querystring": query.urlencode(),
            "object_list": page.object_list,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "medians": [row for key, row in selectors.medians().items() if key in visible],
            "breached_count": sum(1 for item in items if item.breached),
            "recent_breaches": _escalations_for(user).select_related("partner")[:5],
        }
        return render(request, "sla/items.html", context)


def _escalations_for(user):
    """Breach history in the same scope as the open items: the channel manager's book, finance's kinds."""
    queryset = SlaEscalation.objects.visible_to(user)
    if access.is_channel_manager(user):
        queryset = queryset.filter(partner__channel_manager=user)
    return queryset.filter(kind__in=[k.key for k in kinds_for(user)])


class EscalationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SlaKind.choices, label=gettext_lazy("Kind"))
    partner = django_filters.ModelChoiceFilter(queryset=Partner.objects.none(), label=gettext_lazy("Partner"))
    state = inputs.TimestampStateFilter(
        timestamp="resolved_at",
        unset=("open", gettext_lazy("Still open")),
        done=("decided", gettext_lazy("Decided")),
        label=gettext_lazy("State"),
    )
    since = inputs.DateFilter(field_name="escalated_at", lookup_expr="date__gte", label=gettext_lazy("From"))
    until = inputs.DateFilter(field_name="escalated_at", lookup_expr="date__lte", label=gettext_lazy("To"))

    class Meta:
        model = SlaEscalation
        fields = ["kind", "partner", "state", "since", "until"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["partner"].queryset = partners_for(request.user)


class BreachHistoryView(SlaPagesMixin, FilteredListView):
    """/sla/breaches/: every escalation, when it was decided in the end; filterable, CSV."""

    template_name = "sla/breaches.html"
    filterset_class = EscalationFilter
    sort_fields = {
        "item": "title",
        "kind": "kind",
        "partner": "partner__name",
        "due": "due_at",
        "escalated": "escalated_at",
        "decided": "resolved_at",
    }
    export_filename = "sla-breaches.csv"

    @property
    def export_columns(self):
        return [
            ("Kind", "get_kind_display"),
            ("Item", "title"),
            ("Item id", "object_id"),
            ("Partner", "partner.name"),
            ("Waiting since", "started_at"),
            ("Due", "due_at"),
            ("SLA (business days)", "sla_days"),
            ("Escalated at", "escalated_at"),
            ("Decided at", "resolved_at"),
        ]

    def get_base_queryset(self):
        return _escalations_for(self.request.user).select_related("partner")
