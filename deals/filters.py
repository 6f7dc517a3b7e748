"""List filters of the deal pages: status, partner, region, age, value, search, sorting."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from deals.models import DealStatus, LeadStatus
from partners.models import Partner, Region

PARTNER_SELECT_LIMIT = 300  # beyond it the partner filter is the search box (name) and ?partner=<id> links

AGE_CHOICES = [
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
]


class DealFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=DealStatus.choices, label=_("Status"))
    # A drop-down of every partner does not scale (5,000 options dominated the page's time under load): internal
    # users find a partner by name in the search box, and links to one partner's deals carry ?partner=<id>.
    partner = django_filters.ModelChoiceFilter(
        queryset=Partner.objects.none(), label=_("Partner"), widget=forms.HiddenInput
    )
    region = django_filters.ChoiceFilter(field_name="partner__region", choices=Region.choices, label=_("Region"))
    age = django_filters.ChoiceFilter(choices=AGE_CHOICES, method="filter_age", label=_("Registered"))
    min_value = django_filters.NumberFilter(field_name="amount", lookup_expr="gte", label=_("Value from"))
    max_value = django_filters.NumberFilter(field_name="amount", lookup_expr="lte", label=_("Value to"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("created_at", "created"),
            ("amount", "value"),
            ("protected_until", "protected_until"),
            ("customer_name", "customer"),
            ("status", "status"),
        ),
        field_labels={
            "created_at": _("Created"),
            "-created": _("Created (descending)"),
            "amount": _("Value"),
            "-value": _("Value (descending)"),
            "protected_until": _("Protected until"),
            "-protected_until": _("Protected until (descending)"),
            "customer_name": _("Customer"),
            "-customer": _("Customer (descending)"),
            "status": _("Status"),
            "-status": _("Status (descending)"),
        },
        label=_("Sort by"),
    )

    class Meta:
        fields = ["q", "status", "partner", "region", "age", "min_value", "max_value"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if access.is_internal(user):
            partners = Partner.objects.order_by("name")
            self.filters["partner"].queryset = partners
            if partners.count() <= PARTNER_SELECT_LIMIT:  # a drop-down while it stays short; else by name search
                self.filters["partner"].extra["widget"] = forms.Select
            self.internal = True
        else:  # partner users see only their own deals: no partner or region filter to offer
            self.filters.pop("partner")
            self.filters.pop("region")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(customer_name__icontains=value) | Q(customer_domain__icontains=value) | Q(product__icontains=value)
        )
        if getattr(self, "internal", False):
            condition |= Q(partner__name__icontains=value)
        if value.isdigit() and len(value) < 18:
            condition |= Q(pk=int(value))
        return queryset.filter(condition)

    def filter_age(self, queryset, name, value):
        return queryset.filter(created_at__gte=timezone.now() - timedelta(days=int(value)))


class ReviewFilter(DealFilter):
    class Meta(DealFilter.Meta):
        pass


class LeadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=LeadStatus.choices, label=_("Status"))
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "created"), ("accept_by", "accept_by"), ("amount", "value")),
        field_labels={
            "created_at": _("Created"),
            "-created": _("Created (descending)"),
            "accept_by": _("Accept by"),
            "-accept_by": _("Accept by (descending)"),
            "amount": _("Value"),
            "-value": _("Value (descending)"),
        },
        label=_("Sort by"),
    )

    class Meta:
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(customer_name__icontains=value) | Q(customer_domain__icontains=value))
            if value
            else queryset
        )
