"""Writes of the availability check (docs/private-check.md): answering a check within the daily limit, and
publishing a new version of the policy. Every check is audited by size and time, never by content."""

import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from availability import selectors, setups
from availability.models import AvailabilityPolicy, CheckRecord, DailyUsage
from prm.audit import record_audit


def _take_from_limit(partner_id: int, prospects: int, limit: int) -> int:
    """Count `prospects` against today's limit under a row lock (two checks at once cannot both pass);
    returns what is left. ValidationError when they do not fit."""
    day = timezone.localdate()
    DailyUsage.objects.get_or_create(partner_id=partner_id, day=day)
    usage = DailyUsage.objects.select_for_update().get(partner_id=partner_id, day=day)
    if usage.prospects + prospects > limit:
        raise ValidationError(
            _("This check of %(n)d prospects would pass today's limit: %(left)d left of %(limit)d.")
            % {"n": prospects, "left": max(0, limit - usage.prospects), "limit": limit},
            code="daily_limit",
        )
    DailyUsage.objects.filter(pk=usage.pk).update(prospects=F("prospects") + prospects, checks=F("checks") + 1)
    return limit - usage.prospects - prospects


def run_check(*, user, request_bytes: bytes, prospects: int, channel: str = "web") -> dict:
    """Answer one check: the server's response to the client's blinded request, the partner's own small setup,
    and what is left today. The server sees only the number of items (two per prospect)."""
    access.require(user, "availability.check")
    policy = selectors.policy_in_force()
    if prospects < 1:
        raise ValidationError(_("A check needs at least one prospect."), code="empty")
    started = time.monotonic()
    reveal = not policy.counts_only
    with transaction.atomic():
        left = _take_from_limit(user.partner_id, prospects, policy.daily_limit)
        try:
            response, items = setups.process_request(request_bytes, reveal=reveal)
        except ValueError as exc:
            raise ValidationError(_("That is not a check request this portal can answer."), code="request") from exc
        if items != 2 * prospects:
            raise ValidationError(_("A check sends exactly two keys per prospect."), code="size")
        yours = setups.partner_setup(user.partner_id, 2 * policy.daily_limit)
        seconds = round(time.monotonic() - started, 3)
        record = CheckRecord.objects.create(
            partner_id=user.partner_id, user=user, prospects=prospects, channel=channel, seconds=seconds
        )
        record_audit(
            actor=user,
            obj=record,
            action="availability_check",
            reason=_("Checked %(n)d prospects.") % {"n": prospects},
            changes={"prospects": prospects, "channel": channel},
            partner_id=user.partner_id,
        )
    return {"response": response, "yours": yours, "remaining_today": left, "counts_only": policy.counts_only}


def publish_policy(*, actor, data: dict, effective_from=None) -> AvailabilityPolicy:
    """A new version of the availability policy (the old ones are kept, as for the rules of engagement)."""
    access.require(actor, "availability.manage")
    limit = int(data.get("daily_limit") or 0)
    if limit < 1 or limit > 100_000:
        raise ValidationError({"daily_limit": _("Between 1 and 100,000 prospects a day.")})
    with transaction.atomic():
        AvailabilityPolicy.objects.select_for_update().all().exists()
        version = (AvailabilityPolicy.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        policy = AvailabilityPolicy.objects.create(
            version=version,
            enabled=bool(data.get("enabled")),
            who=data.get("who") or "partner_admins",
            show_dates=bool(data.get("show_dates")),
            counts_only=bool(data.get("counts_only")),
            daily_limit=limit,
            effective_from=effective_from or timezone.now(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_audit(actor=actor, obj=policy, action="availability_policy", changes=policy.rules())
    transaction.on_commit(lambda: _rebuild_for(policy.pk))
    return policy


def _rebuild_for(policy_id: int) -> None:
    from availability.tasks import rebuild_setups  # noqa: PLC0415 - tasks import services

    rebuild_setups.delay()


def require_partner(user):
    if not getattr(user, "partner_id", None):
        raise PermissionDenied(_("You do not belong to a partner."))
    return user.partner_id
