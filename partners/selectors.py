"""Reads about partners, scoped to the user."""

from django.db.models import BigIntegerField, BooleanField, Count, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accounts import access
from accounts.models import Invitation, Role, User
from partners import business_plans, onboarding, program_terms, tier_engine, tier_review
from partners.models import (
    Application,
    ApplicationStatus,
    Partner,
    PartnerStatus,
    Quadrant,
    ReferenceImplementation,
    Tier,
    TierChange,
    TierOverride,
)
from prm.audit import history_of


def partner_profile(user, partner: Partner) -> dict:
    """Everything the profile page shows, already scoped by the caller's role."""
    team = (
        User.objects.visible_to(user)
        .filter(partner=partner)
        .annotate(is_admin=ExpressionWrapper(Q(role=Role.PARTNER_ADMIN), output_field=BooleanField()))  # data
        .order_by("-is_active", "first_name", "email")
    )
    context = {
        "partner": partner,
        "team": team,
        "tier_history": TierChange.objects.visible_to(user)
        .filter(partner=partner)
        .select_related("from_tier", "to_tier", "changed_by")[:20],
        "tiers": Tier.objects.ranked().prefetch_related("requirements"),
        "invitations": Invitation.objects.visible_to(user)
        .filter(partner=partner)
        .pending()
        .select_related("invited_by"),
    }
    if access.can(user, "partners.see_internal_fields"):
        context["history"] = history_of(partner)[:20]
        context["channel_managers"] = User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True)
    return context


# --- Lifecycle reads -------------------------------------------------------------------------------

PIPELINE_POINTS = 500  # the chart shows the newest open applications; the table pages through all of them


def recruit_pipeline(user) -> dict:
    """The fit x willingness chart of open scored applications (two queries, whatever the queue's size)."""
    open_apps = Application.objects.visible_to(user).filter(
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW]
    )
    rows = list(
        open_apps.filter(fit_score__isnull=False)
        .order_by("-created_at")
        .values_list("company_name", "fit_score", "willingness_score", "quadrant")[:PIPELINE_POINTS]
    )
    labels = dict(Quadrant.choices)
    datasets = []
    for quadrant in Quadrant.values:
        points = [{"x": float(fit), "y": float(will), "label": name} for name, fit, will, q in rows if q == quadrant]
        datasets.append({"label": labels[quadrant].split(" (")[0], "data": points})
    counts = dict(open_apps.values_list("quadrant").annotate(n=Count("id")))
    return {
        "pipeline_chart": {"labels": [], "datasets": datasets},
        "pipeline_counts": [(labels[q].split(" (")[0], counts.get(q, 0)) for q in Quadrant.values],
        "pipeline_unscored": counts.get("", 0),
    }


def onboarding_panel(partner: Partner) -> dict:
    """The checklist and the agreement state of one partner."""
    agreement = onboarding.current_agreement()
    accepted = (
        partner.agreement_acceptances.filter(agreement=agreement).select_related("user", "agreement").first()
        if agreement
        else None
    )
    return {"checklist": onboarding.checklist(partner), "agreement": agreement, "agreement_accepted": accepted}


def plan_panel(partner: Partner) -> dict:
    plan = business_plans.current_plan(partner)
    return {"current_plan": plan, "plan_progress": business_plans.plan_progress(plan) if plan else None}


def tier_panel(partner: Partner, tiers=None) -> dict:
    """The next tier's requirements and, when the partner is at risk, its own tier's (docs/tiers.md)."""
    tiers = list(tiers) if tiers is not None else tier_engine.ranked_tiers()
    return {
        "tier_progress": tier_engine.tier_progress(partner, tiers=tiers),
        "tier_at_risk": tier_review.at_risk_status(partner, tiers=tiers),
    }


def profile_extras(user, partner: Partner) -> dict:
    """Reference implementations and overrides on the profile page (the heavier panels load by htmx)."""
    return {
        "partner_terms": program_terms.partner_terms(partner),  # as applied (docs/program-terms.md)
        "references": ReferenceImplementation.objects.visible_to(user).filter(partner=partner)[:10],
        "overrides": TierOverride.objects.visible_to(user)
        .filter(partner=partner)
        .select_related("created_by", "to_tier")[:5]
        if access.can(user, "partners.see_internal_fields")
        else [],
    }


# --- standing (docs/partner-status.md) ------------------------------------------------------------------


def partner_status_of(partner_id) -> str | None:
    """The partner's status read from the database now (the partner-standing gate, prm/guards.py)."""
    return Partner.objects.filter(pk=partner_id).values_list("status", flat=True).first()


def payouts_held_partner_ids() -> set[int]:
    """Partners whose payouts are held by their status: suspended or terminated (commissions decides on
    releases, commissions/holds.py)."""
    return set(
        Partner.objects.filter(status__in=[PartnerStatus.SUSPENDED, PartnerStatus.TERMINATED]).values_list(
            "pk", flat=True
        )
    )


def tier_held_on(partner: str, day, current: str):
    """ORM expression: the id of the tier the partner (field path `partner`, an id) held at the end of `day`
    (a date field path, or a date expression): the latest TierChange up to that day; before its first
    change, the tier that change left (from_tier, or to_tier for an initial assignment); the partner's
    current tier (field path `current`) when it has no history. The one definition of "the tier of a
    period" (docs/figures.md); analytics' KPI rollup mirrors it in SQL (analytics.kpis._tier_ranges_sql)."""
    day = OuterRef(day) if isinstance(day, str) else day
    changes = TierChange.objects.filter(partner_id=OuterRef(partner))
    latest = changes.filter(created_at__date__lte=day).order_by("-created_at", "-id").values("to_tier_id")[:1]
    before = (
        changes.order_by("created_at", "id")
        .annotate(left=Coalesce("from_tier_id", "to_tier_id", output_field=BigIntegerField()))
        .values("left")[:1]
    )
    ids = BigIntegerField()
    return Coalesce(
        Subquery(latest, output_field=ids), Subquery(before, output_field=ids), F(current), output_field=ids
    )
