"""Plan changes by program admins: commission rates from a day on, and spiffs."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from commissions.models import (
    CommissionRule,
)
from prm.audit import record_audit
from prm.exceptions import Conflict
from prm.money import to_money


def change_rule_rate(*, rule: CommissionRule, actor, rate=None, flat_amount=None, effective_from) -> CommissionRule:
    """Close the rule the day before `effective_from` and add its successor: entries already made never
    change, and deals closed before the change keep the old terms (effective dating)."""
    access.require(actor, "commissions.change_rates")
    with transaction.atomic():
        rule = CommissionRule.objects.select_for_update().get(pk=rule.pk)
        if effective_from <= rule.valid_from:
            raise ValidationError({"effective_from": [_("The change must start after the current rule started.")]})
        if rule.valid_to is not None and rule.valid_to < effective_from:
            raise Conflict(_("This rule has already ended."), code="rule_closed")
        successor = CommissionRule.objects.get(pk=rule.pk)
        successor.pk = None
        successor.valid_from, successor.created_at = effective_from, timezone.now()
        if rate is not None:
            successor.rate = rate
        if flat_amount is not None:
            successor.flat_amount = to_money(flat_amount)
        rule.valid_to = effective_from - timedelta(days=1)
        rule.save(update_fields=["valid_to"])
        successor.save()
        record_audit(
            actor=actor,
            obj=rule,
            action="change_rate",
            changes={"rate": [str(rule.rate), str(successor.rate)], "effective_from": effective_from.isoformat()},
        )
    return successor


def save_spiff(*, actor, spiff):
    """Create or update a spiff from a validated form instance (program admins)."""
    access.require(actor, "commissions.manage_spiffs")
    with transaction.atomic():
        created = spiff.pk is None
        spiff.full_clean()
        spiff.save()
        record_audit(actor=actor, obj=spiff, action="create" if created else "update")
    return spiff
