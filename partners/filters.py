import django_filters
from django.db.models import Q

from accounts.models import Role, User
from partners.models import Partner, PartnerStatus, PartnerType, Region, Tier


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices, label="Type")
    tier = django_filters.ModelChoiceFilter(queryset=Tier.objects.all())
    status = django_filters.ChoiceFilter(choices=PartnerStatus.choices)
    region = django_filters.ChoiceFilter(choices=Region.choices)
    country = django_filters.CharFilter(lookup_expr="iexact", label="Country code")
    channel_manager = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True), label="Channel manager"
    )
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("tier__rank", "tier"), ("created_at", "created"), ("country", "country"))
    )

    class Meta:
        model = Partner
        fields = ["q", "partner_type", "tier", "status", "region", "country", "channel_manager"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(legal_name__icontains=value)
            | Q(website_domain__icontains=value)
            | Q(external_crm_id=value)
        )
