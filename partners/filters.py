import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from partners.models import (
    Application,
    ApplicationStatus,
    Partner,
    PartnerStatus,
    PartnerType,
    Quadrant,
    Region,
    ReviewAction,
    Tier,
    TierReviewOutcome,
)
from prm import inputs


def search(queryset, value, *contains, exact=()):
    """Rows where any of the `contains` fields holds `value` (case-insensitive) or an `exact` field equals it."""
    value = value.strip()
    if not value:
        return queryset
    condition = Q()
    for field in contains:
        condition |= Q(**{f"{field}__icontains": value})
    for field in exact:
        condition |= Q(**{field: value})
    return queryset.filter(condition)


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices, label=_("Type"))
    tier = django_filters.ModelChoiceFilter(queryset=Tier.objects.all(), label=_("Tier"))
    status = django_filters.ChoiceFilter(choices=PartnerStatus.choices, label=_("Status"))
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("Region"))
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country code"))
    channel_manager = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True), label=_("Channel manager")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("tier__rank", "tier"), ("created_at", "created"), ("country", "country")),
        field_labels={
            "name": _("Name"),
            "-name": _("Name (descending)"),
            "tier__rank": _("Tier"),
            "-tier": _("Tier (descending)"),
            "created_at": _("Created"),
            "-created": _("Created (descending)"),
            "country": _("Country"),
            "-country": _("Country (descending)"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Partner
        fields = ["q", "partner_type", "tier", "status", "region", "country", "channel_manager"]

    def search(self, queryset, name, value):
        return search(queryset, value, "name", "legal_name", "website_domain", exact=("external_crm_id",))


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    quadrant = django_filters.ChoiceFilter(choices=Quadrant.choices, label=_("Quadrant"))
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices, label=_("Type"))
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country code"))
    duplicate = django_filters.BooleanFilter(method="filter_duplicate", label=_("Duplicate domain"))
    submitted_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("From"))
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "created"), ("score", "score"), ("company_name", "company")),
        field_labels={
            "created_at": _("Created"),
            "-created": _("Created (descending)"),
            "score": _("Score"),
            "-score": _("Score (descending)"),
            "company_name": _("Company"),
            "-company": _("Company (descending)"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Application
        fields = ["q", "status", "quadrant", "partner_type", "country", "duplicate", "submitted_after"]

    def search(self, queryset, name, value):
        return search(queryset, value, "company_name", "website_domain", "contact_name", "contact_email")

    def filter_duplicate(self, queryset, name, value):
        flagged = Q(duplicate_of__isnull=False) | Q(matching_partner__isnull=False)
        return queryset.filter(flagged) if value else queryset.exclude(flagged)


class TierReviewOutcomeFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=ReviewAction.choices, label=_("Action"))
    q = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label=_("Partner"))

    class Meta:
        model = TierReviewOutcome
        fields = ["action", "q"]
