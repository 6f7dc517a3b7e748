"""Settings writes of commission plans (docs/settings.md): a plan's name and whether it is active, new rules,
and ending a rule. Rules are never deleted or edited in place: entries point at them, and a deal keeps the
terms in force when it closed (a rate change is services.change_rule_rate)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from commissions.models import CommissionPlan, CommissionRule
from prm.audit import record_audit

PLAN_FIELDS = ["name", "partner_type", "description", "active"]


def save_plan(*, actor, plan: CommissionPlan | None, values: dict) -> CommissionPlan:
    """Create or change a plan; an inactive plan pays nothing on deals closed while it is off."""
    access.require(actor, "commissions.manage_plans", standing=False)
    with transaction.atomic():
        created = plan is None
        plan = CommissionPlan() if created else CommissionPlan.objects.select_for_update().get(pk=plan.pk)
        before = {name: getattr(plan, name) for name in PLAN_FIELDS}
        for name in PLAN_FIELDS:
            setattr(plan, name, values[name])
        plan.full_clean()
        plan.save()
        changes = {name: [str(before[name]), str(values[name])] for name in PLAN_FIELDS if before[name] != values[name]}
        record_audit(actor=actor, obj=plan, action="create" if created else "update", changes=changes)
    return plan


def add_rule(*, actor, plan: CommissionPlan, rule: CommissionRule) -> CommissionRule:
    """Add a rule (an unsaved instance from a validated form) to a plan, in force from its valid_from."""
    access.require(actor, "commissions.manage_plans", standing=False)
    with transaction.atomic():
        rule.plan = plan
        rule.created_at = timezone.now()
        rule.full_clean()
        rule.save()
        record_audit(
            actor=actor,
            obj=rule,
            action="create",
            changes={"plan": plan.name, "valid_from": rule.valid_from.isoformat()},
        )
    return rule


def end_rule(*, actor, rule: CommissionRule, last_day: date) -> CommissionRule:
    """Retire a rule: its last day in force becomes `last_day` (today or later, never before it started)."""
    access.require(actor, "commissions.manage_plans", standing=False)
    with transaction.atomic():
        rule = CommissionRule.objects.select_for_update().get(pk=rule.pk)
        if rule.valid_to is not None and rule.valid_to < timezone.localdate():
            raise ValidationError({"last_day": [_("This rule has already ended.")]})
        if last_day < max(rule.valid_from, timezone.localdate()):
            raise ValidationError({"last_day": [_("The last day cannot be before today or before the rule started.")]})
        before = rule.valid_to
        rule.valid_to = last_day
        rule.save(update_fields=["valid_to"])
        record_audit(
            actor=actor,
            obj=rule,
            action="end",
            changes={"valid_to": [before.isoformat() if before else "", last_day.isoformat()]},
        )
    return rule
