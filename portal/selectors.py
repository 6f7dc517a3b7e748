"""What the home pages show: each one joins the panels of several apps, scoped to the user."""

from django.db.models import Count, Q

from accounts import access
from accounts.models import User
from partners import program_terms
from partners.models import Partner, PartnerStatus, PartnerType, Region, Tier, TierChange
from partners.selectors import onboarding_panel, plan_panel, tier_panel
from prm.models import Notification
from sla.selectors import partner_panel as sla_partner_panel


def partner_home(user) -> dict:
    """What a partner user sees first: their organisation, tier, team and latest notifications."""
    partner = Partner.objects.visible_to(user).select_related("tier", "channel_manager").get(pk=user.partner_id)
    next_tier = (
        Tier.objects.filter(rank__gt=partner.tier.rank).order_by("rank").prefetch_related("requirements").first()
    )
    return {
        **tier_panel(partner),
        **onboarding_panel(partner),
        **plan_panel(partner),
        **sla_partner_panel(user),  # "Waiting on <vendor>" (docs/sla.md)
        "partner": partner,
        "partner_terms": program_terms.partner_terms(partner),  # as applied (docs/program-terms.md)
        "next_tier": next_tier,
        "team": User.objects.visible_to(user).filter(partner=partner, is_active=True).order_by("first_name")[:12],
        "team_size": User.objects.visible_to(user).filter(partner=partner, is_active=True).count(),
        "notifications": Notification.objects.visible_to(user)[:6],
        "tier_history": TierChange.objects.visible_to(user).select_related("from_tier", "to_tier")[:5],
    }


def chart(rows, label: str) -> dict:
    """Chart.js data for rows of {name, n}."""
    return {"labels": [row["name"] for row in rows], "datasets": [{"label": label, "data": [row["n"] for row in rows]}]}


def program_overview(user) -> dict:
    """Internal home: the program at a glance, and the user's own book for channel managers."""
    partners = Partner.objects.visible_to(user)
    by_tier = list(
        Tier.objects.ranked()
        .annotate(n=Count("partners", filter=Q(partners__status__in=[PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE])))
        .values("name", "n")
    )
    type_labels = dict(PartnerType.choices)
    by_type = [
        {"name": type_labels.get(row["partner_type"], row["partner_type"]), "n": row["n"]}
        for row in partners.values("partner_type").annotate(n=Count("id")).order_by("-n")
    ]
    region_labels = dict(Region.choices)
    by_region = [
        {"name": region_labels.get(row["region"], row["region"]), "n": row["n"]}
        for row in partners.values("region").annotate(n=Count("id")).order_by("region")
    ]
    status_counts = dict(partners.values_list("status").annotate(n=Count("id")))
    context = {
        "chart_tier": chart(by_tier, "Partners"),
        "chart_type": chart(by_type, "Partners"),
        "chart_region": chart(by_region, "Partners"),
        "by_tier": by_tier,
        "by_type": by_type,
        "by_region": by_region,
        "status_counts": {label: status_counts.get(value, 0) for value, label in PartnerStatus.choices},
        "partner_count": sum(status_counts.values()),
        "recent_tier_changes": TierChange.objects.visible_to(user)
        .select_related("partner", "from_tier", "to_tier")
        .exclude(kind=TierChange.Kind.ASSIGNMENT)[:8],
        "notifications": Notification.objects.visible_to(user)[:6],
    }
    if access.is_channel_manager(user):
        context["my_partners"] = partners.managed_by(user).select_related("tier").order_by("name")[:15]
        context["my_partner_count"] = partners.managed_by(user).count()
    return context
