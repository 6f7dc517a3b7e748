"""Joint business plans: quarterly targets with an owner on each side, check-ins, and live actuals."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from partners.models import (
    BusinessPlanStatus,
    JointBusinessPlan,
    OnboardingStepKind,
    Partner,
    PlanCheckIn,
    RequirementMetric,
)
from partners.onboarding import complete_step
from partners.tier_engine import measure
from prm.audit import record_audit
from prm.exceptions import Conflict, TransitionNotAllowed
from prm.periods import parse_period, quarter_of

# Live actuals that a higher app measures for a plan, set-based like the tier engine's providers:
# {name: provider(partner_ids, since, until) -> {partner_id: value}}. Enablement registers "certified_people"
# (enablement/providers.py); until it does, the actual is zero.
_ACTUALS: dict = {}


def provides_plan_actual(name: str):
    """Decorator: register the provider of a plan's live actual `name`."""

    def register(provider):
        _ACTUALS[name] = provider
        return provider

    return register


def _plan_actual(name: str, partner_id: int, since, until) -> Decimal:
    provider = _ACTUALS.get(name)
    return Decimal(provider([partner_id], since, until).get(partner_id, 0)) if provider else Decimal(0)


TARGET_FIELDS = (
    "sourced_bookings_target",
    "registered_deals_target",
    "certified_people_target",
    "co_marketing_activities_target",
)


def submit_business_plan(
    *,
    actor: User,
    partner: Partner,
    period: str,
    partner_owner: User,
    vendor_owner: User,
    currency: str | None = None,
    notes: str = "",
    **targets,
) -> JointBusinessPlan:
    """Create the partner's plan for a quarter (one per quarter); ticks the onboarding step."""
    # A suspended or terminated partner's users are read-only (docs/partner-status.md): require checks standing.
    access.require(actor, "partners.write_business_plan", partner)
    try:
        quarter = parse_period(period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from error
    if "-Q" not in quarter.key:
        raise ValidationError({"period": _("Plans are quarterly: use a quarter like 2026-Q4.")})
    errors = {}
    if partner_owner is None or partner_owner.partner_id != partner.pk or not partner_owner.is_active:
        errors["partner_owner"] = _("Choose an active person of this partner.")
    if vendor_owner is None or not access.is_manager_or_admin(vendor_owner):
        errors["vendor_owner"] = _("Choose a channel manager or program admin.")
    for field in TARGET_FIELDS:
        value = targets.get(field, 0) or 0
        if Decimal(value) < 0:
            errors[field] = _("Targets cannot be negative.")
    if errors:
        raise ValidationError(errors)
    plan = JointBusinessPlan(
        partner=partner,
        period=quarter.key,
        partner_owner=partner_owner,
        vendor_owner=vendor_owner,
        notes=notes,
        created_by=actor,
        **{field: targets.get(field, 0) or 0 for field in TARGET_FIELDS},
    )
    if currency:
        plan.currency = currency
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
            record_audit(actor=actor, obj=plan, action="submitted", to_state=plan.status)
    except IntegrityError as error:
        raise Conflict(
            _("%(partner)s already has a plan for %(period)s.") % {"partner": partner.name, "period": quarter.key},
            code="plan_exists",
        ) from error
    complete_step(partner=partner, kind=OnboardingStepKind.BUSINESS_PLAN, actor=actor, source="business plan")
    return plan


def agree_business_plan(*, actor: User, plan: JointBusinessPlan) -> JointBusinessPlan:
    access.require(actor, "partners.agree_business_plan", plan, standing=False)
    with transaction.atomic():
        plan = JointBusinessPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != BusinessPlanStatus.SUBMITTED:
            raise TransitionNotAllowed(_("This plan is already agreed."), code="plan_agreed")
        plan.status = BusinessPlanStatus.AGREED
        plan.save(update_fields=["status", "updated_at"])
        record_audit(actor=actor, obj=plan, action="agreed", from_state="submitted", to_state="agreed")
    return plan


def add_check_in(
    *, actor: User, plan: JointBusinessPlan, note: str, co_marketing_activities_done: int | None = None
) -> PlanCheckIn:
    # A suspended or terminated partner's users are read-only (docs/partner-status.md): require checks standing.
    access.require(actor, "partners.check_in", plan)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write what happened since the last check-in.")})
    if co_marketing_activities_done is not None and co_marketing_activities_done < 0:
        raise ValidationError({"co_marketing_activities_done": _("Cannot be negative.")})
    with transaction.atomic():
        check_in = PlanCheckIn.objects.create(
            plan=plan, author=actor, note=note, co_marketing_activities_done=co_marketing_activities_done
        )
        JointBusinessPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
        record_audit(actor=actor, obj=plan, action="check_in", reason=note[:500])
    return check_in


def plan_progress(plan: JointBusinessPlan) -> list[dict]:
    """Each target beside its actual for the quarter, measured live by the tier engine's providers."""
    quarter = parse_period(plan.period)
    ids = [plan.partner_id]

    def actual(metric):
        return measure(metric, ids, quarter.start, quarter.end)[plan.partner_id]

    latest = next((c for c in plan.check_ins.all() if c.co_marketing_activities_done is not None), None)
    rows = [
        (_("Sourced bookings"), plan.sourced_bookings_target, actual(RequirementMetric.SOURCED_BOOKINGS), True),
        (_("Registered deals"), plan.registered_deals_target, actual(RequirementMetric.REGISTERED_DEALS), False),
        (
            _("Certified people"),
            plan.certified_people_target,
            # Certified people, as the KPI snapshots and the joint dashboard count them: distinct people with a
            # certification of any kind valid at the quarter's end (docs/figures.md).
            _plan_actual("certified_people", plan.partner_id, quarter.start, quarter.end),
            False,
        ),
        (
            _("Co-marketing activities"),
            plan.co_marketing_activities_target,
            Decimal(latest.co_marketing_activities_done) if latest else Decimal(0),
            False,
        ),
    ]
    return [
        {
            "name": name,
            "target": target,
            "actual": value,
            "money": money,
            "percent": min(100, round(100 * Decimal(value) / Decimal(target))) if target else 100,
        }
        for name, target, value, money in rows
    ]


def current_plan(partner: Partner):
    return (
        JointBusinessPlan.objects.filter(partner=partner, period=quarter_of(timezone.localdate()).key)
        .select_related("partner_owner", "vendor_owner")
        .prefetch_related("check_ins")
        .first()
    )
