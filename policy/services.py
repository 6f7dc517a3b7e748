"""Every write of the rules-of-engagement policy (docs/policy.md): drafts, simulations, publication.

Program admins write; published versions are never edited again (a new draft supersedes them). Each
write checks permission and state, writes an audit row and, for publication, records `policy.published`.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from partners.models import Tier
from policy import tasks
from policy.models import DirectAccountHandling, PolicySimulation, PolicyStatus, RoePolicy, SimulationStatus
from policy.selectors import current_policy, latest_simulation
from prm import inputs
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import TransitionNotAllowed

LIMITS = {
    "default_protection_days": (1, 3650),
    "extension_days": (0, 365),
    "match_threshold": (1, 100),
    "possible_match_threshold": (1, 100),
    "approval_sla_business_days": (1, 60),
    "incumbency_days": (0, 3650),
}
PROTECTION_LIMITS = (1, 3650)
# A publication a minute in the past (the form's "now") is still "now".
PUBLISH_GRACE = timedelta(minutes=5)


def _require_draft(policy: RoePolicy) -> None:
    if policy.status != PolicyStatus.DRAFT:
        raise TransitionNotAllowed(
            _("Version %(version)s is published and can no longer be changed; create a new draft.")
            % {"version": policy.version},
            code="policy_not_draft",
        )


def _whole_number(value, field: str, errors: dict, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
        if str(value).strip() != str(number):
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = [_("Enter a whole number.")]
        return None
    if not low <= number <= high:
        errors[field] = [_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        return None
    return number


def clean_rules(data, *, base: RoePolicy) -> dict:
    """Validate the editable rules; missing keys keep `base`'s values. Field errors become HTTP 400."""
    errors: dict[str, list] = {}
    cleaned = {}
    for field, (low, high) in LIMITS.items():
        if field in data and data[field] not in (None, ""):
            value = _whole_number(data[field], field, errors, low, high)
            if value is not None:
                cleaned[field] = value
        elif field in data:
            errors[field] = [_("This field is required.")]
    if "direct_account_handling" in data:
        handling = data["direct_account_handling"]
        if handling not in DirectAccountHandling.values:
            errors["direct_account_handling"] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(DirectAccountHandling.values)}
            ]
        else:
            cleaned["direct_account_handling"] = handling
    if "protection_days_by_tier" in data:
        days = data["protection_days_by_tier"]
        tiers = {str(pk) for pk in Tier.objects.values_list("pk", flat=True)}
        if not isinstance(days, dict):
            errors["protection_days_by_tier"] = [_("Give the protection days per tier.")]
        else:
            mapped = {}
            for tier_id, value in days.items():
                if str(tier_id) not in tiers:
                    errors["protection_days_by_tier"] = [_("Unknown tier %(tier)s.") % {"tier": tier_id}]
                    break
                number = _whole_number(value, f"protection_days_{tier_id}", errors, *PROTECTION_LIMITS)
                if number is not None:
                    mapped[str(tier_id)] = number
            cleaned["protection_days_by_tier"] = mapped
    if "notes" in data:
        notes = str(data["notes"] or "").strip()
        if len(notes) > 5000:
            errors["notes"] = [_("At most %(count)s characters.") % {"count": 5000}]
        cleaned["notes"] = notes
    match = cleaned.get("match_threshold", base.match_threshold)
    possible = cleaned.get("possible_match_threshold", base.possible_match_threshold)
    if "possible_match_threshold" not in errors and "match_threshold" not in errors and possible > match:
        errors["possible_match_threshold"] = [
            _("The possible-match threshold cannot be above the match threshold (%(match)s).") % {"match": match}
        ]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _changes(before: dict, after: dict) -> dict:
    return {key: {"from": before.get(key), "to": value} for key, value in after.items() if before.get(key) != value}


def create_draft(*, actor, source: RoePolicy | None = None, notes: str = "") -> RoePolicy:
    """A new draft, copied from `source` (default: the version in force)."""
    access.require(actor, "policy.edit")
    with transaction.atomic():
        source = source or current_policy()
        # Versions are numbered in order; the unique constraint settles two admins racing.
        number = (RoePolicy.objects.select_for_update().aggregate(n=Max("version"))["n"] or 0) + 1
        rules = source.rules() if source else {}
        policy = RoePolicy.objects.create(
            version=number,
            status=PolicyStatus.DRAFT,
            notes=notes or "",
            created_by=actor,
            **rules,
        )
        record_audit(
            actor=actor,
            obj=policy,
            action="create_draft",
            to_state=policy.status,
            changes={"copied_from": source.version if source else None},
        )
    return policy


def update_draft(*, policy: RoePolicy, actor, data) -> RoePolicy:
    access.require(actor, "policy.edit")
    with transaction.atomic():
        policy = RoePolicy.objects.select_for_update().get(pk=policy.pk)
        _require_draft(policy)
        cleaned = clean_rules(data, base=policy)
        before = {**policy.rules(), "notes": policy.notes}
        for key, value in cleaned.items():
            setattr(policy, key, value)
        policy.save()
        changes = _changes(before, {**policy.rules(), "notes": policy.notes})
        if changes:
            record_audit(actor=actor, obj=policy, action="edit_draft", changes=changes)
    return policy


def start_simulation(*, policy: RoePolicy, actor) -> PolicySimulation:
    """Queue a replay of the last 12 months under the draft (Celery; the page polls its progress)."""
    access.require(actor, "policy.simulate")

    with transaction.atomic():
        policy = RoePolicy.objects.select_for_update().get(pk=policy.pk)
        _require_draft(policy)
        running = policy.simulations.filter(status__in=[SimulationStatus.QUEUED, SimulationStatus.RUNNING]).first()
        if running is not None and running.fingerprint == policy.fingerprint():
            return running  # the same draft is already being simulated
        simulation = PolicySimulation.objects.create(
            policy=policy, requested_by=actor, fingerprint=policy.fingerprint(), window_end=timezone.now()
        )
        record_audit(actor=actor, obj=policy, action="simulate", changes={"simulation": simulation.pk})
        transaction.on_commit(lambda: tasks.run_simulation.delay(simulation.pk))
    return simulation


def _effective_moment(value) -> datetime:
    if value in (None, ""):
        raise ValidationError({"effective_from": [_("This field is required.")]})
    if isinstance(value, str):
        try:
            value = inputs.parse_iso_moment(value)
        except ValueError:
            raise ValidationError({"effective_from": [_("Enter a date as YYYY-MM-DD.")]}) from None
    if isinstance(value, date):  # a datetime is a date too; bounded like every date input (docs/inputs.md)
        try:
            inputs.check_date(value)
        except ValidationError as error:
            raise ValidationError({"effective_from": error.messages}) from None
    if isinstance(value, datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
    elif isinstance(value, date):
        if value == timezone.localdate():
            return timezone.now()
        moment = timezone.make_aware(datetime.combine(value, time.min))
    else:
        raise ValidationError({"effective_from": [_("Enter a date as YYYY-MM-DD.")]})
    return moment


def publish_warning(policy: RoePolicy) -> str:
    """Why publishing needs a confirmation: no simulation, or one of an earlier state of the draft."""
    simulation = latest_simulation(policy)
    if simulation is None:
        return _("This draft was never simulated.")
    if simulation.status != SimulationStatus.DONE:
        return _("This draft's simulation has not finished.")
    if simulation.is_stale:
        return _("The draft changed after its last simulation.")
    return ""


def publish(*, policy: RoePolicy, actor, effective_from, confirm: bool = False) -> RoePolicy:
    """Publish a draft from `effective_from` (now or later). Registrations decided before keep their
    version; decisions from then on use this one. A missing or stale simulation needs `confirm`."""
    access.require(actor, "policy.publish")
    moment = _effective_moment(effective_from)
    now = timezone.now()
    if moment < now - PUBLISH_GRACE:
        raise ValidationError({"effective_from": [_("The effective date cannot be in the past.")]})
    moment = max(moment, now)
    with transaction.atomic():
        policy = RoePolicy.objects.select_for_update().get(pk=policy.pk)
        _require_draft(policy)
        warning = publish_warning(policy)
        if warning and not confirm:
            raise ValidationError({"confirm": [_("%(warning)s Confirm to publish it anyway.") % {"warning": warning}]})
        policy.status = PolicyStatus.PUBLISHED
        policy.effective_from = moment
        policy.published_by, policy.published_at = actor, now
        policy.save(update_fields=["status", "effective_from", "published_by", "published_at"])
        record_audit(
            actor=actor,
            obj=policy,
            action="publish",
            from_state=PolicyStatus.DRAFT,
            to_state=PolicyStatus.PUBLISHED,
            reason=warning,
            changes={"effective_from": moment.isoformat(), "unsimulated_confirmed": bool(warning)},
        )
        record_event(
            "policy.published",
            actor=actor,
            subject=policy,
            payload={
                "policy_id": policy.pk,
                "version": policy.version,
                "effective_from": moment.isoformat(),
                "rules": policy.rules(),
            },
        )
    return policy
