"""Exchange-rate pages: the rate table (internal roles read it) and a new rate (finance)."""

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from fx import selectors, services
from fx.forms import ExchangeRateForm
from fx.models import ExchangeRate
from prm import inputs
from prm.views import run_form_service


class RateFilter(django_filters.FilterSet):
    currency = django_filters.CharFilter(method="filter_currency", label=gettext_lazy("Currency"), max_length=3)
    since = inputs.DateFilter(
        field_name="effective_from",
        lookup_expr="gte",
        label=gettext_lazy("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = inputs.DateFilter(
        field_name="effective_from",
        lookup_expr="lte",
        label=gettext_lazy("Effective until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ExchangeRate
        fields = ["currency", "since", "until"]

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency=value.strip().upper())


class RateListView(FilteredListView):
    permission_required = "fx.view_rates"
    template_name = "fx/rates.html"
    filterset_class = RateFilter
    sort_fields = {"currency": "currency", "effective": "effective_from", "recorded": "created_at"}
    paginate_by = 50
    export_filename = "exchange-rates.csv"
    export_columns = [
        ("Id", "id"),
        ("Currency", "currency"),
        ("Rate", "rate"),
        ("Program currency", lambda row: settings.DEFAULT_CURRENCY),
        ("Effective from", "effective_from"),
        ("In force today", lambda row: "yes" if row.in_force else "no"),
        ("Superseded", lambda row: "yes" if row.superseded else "no"),
        ("Note", "note"),
        ("Recorded by", lambda row: row.created_by.email if row.created_by else ""),
        ("Recorded at", "created_at"),
    ]

    def get_base_queryset(self):
        return selectors.rates_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["current"] = selectors.current_rates(self.request.user)
        context["program_currency"] = settings.DEFAULT_CURRENCY
        context["can_record"] = access.can(self.request.user, "fx.record_rate")
        return context


class RateCreateView(PermissionRequiredMixin, View):
    permission_required = "fx.record_rate"
    template_name = "fx/rate_form.html"

    def render_form(self, request, form, status=200):
        context = {
            "form": form,
            "program_currency": settings.DEFAULT_CURRENCY,
            "current": selectors.current_rates(request.user),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        # A missing-rate alert links here with the currency and day to fill in (docs/fx.md: Missing rates).
        initial = {key: request.GET[key][:10] for key in ("currency", "effective_from") if request.GET.get(key)}
        return self.render_form(request, ExchangeRateForm(initial=initial))

    def post(self, request):
        form = ExchangeRateForm(request.POST)
        row = None
        if form.is_valid():
            row = run_form_service(form, services.record_rate, user=request.user, **form.cleaned_data)
        if row is None:
            return self.render_form(request, form, status=400)
        messages.success(
            request,
            _("Rate recorded: 1 %(currency)s = %(rate)s %(program)s from %(date)s.")
            % {
                "currency": row.currency,
                "rate": row.rate,
                "program": settings.DEFAULT_CURRENCY,
                "date": row.effective_from.isoformat(),
            },
        )
        return redirect("fx:rates")
