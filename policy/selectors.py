"""Which rules-of-engagement version applies when (docs/policy.md). The policy helper owns this module; the
signatures below are the contract other apps (deals, sla, receipts, disputes) rely on."""

from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from partners.models import Tier
from policy.models import PolicyStatus, RoePolicy


def policy_at(when=None) -> RoePolicy:
    """The published version in force at `when` (default now): the latest effective_from <= when.

    Migration policy 0002 seeds version 1 from the settings, effective from the beginning of time, so
    there is always one."""
    when = when or timezone.now()
    found = (
        RoePolicy.objects.filter(status__in=[PolicyStatus.PUBLISHED, PolicyStatus.ARCHIVED], effective_from__lte=when)
        .order_by("-effective_from", "-version")
        .first()
    )
    if found is None:
        found = RoePolicy.objects.filter(status=PolicyStatus.PUBLISHED).order_by("version").first()
    return found or _version_one()


# The protection days version 1 gave the default tiers (migration partners 0002 seeded them, policy 0002
# copied them into version 1); later versions are the program admin's.
VERSION_ONE_DAYS = {"Registered": 90, "Silver": 90, "Gold": 90, "Platinum": 120}
VERSION_ONE_DEFAULT_DAYS = 90


def _version_one() -> RoePolicy:
    """Version 1 from the settings, as migration policy 0002 seeds it; only for a database whose rows were
    flushed after migrating (a test database without serialized rollback)."""
    beginning = datetime(2000, 1, 1, tzinfo=UTC)
    try:
        with transaction.atomic():
            policy, _ = RoePolicy.objects.get_or_create(
                version=1,
                defaults={
                    "status": PolicyStatus.PUBLISHED,
                    "protection_days_by_tier": {
                        str(t.pk): VERSION_ONE_DAYS.get(t.name, VERSION_ONE_DEFAULT_DAYS) for t in Tier.objects.all()
                    },
                    "default_protection_days": VERSION_ONE_DEFAULT_DAYS,
                    "extension_days": settings.DEAL_EXTENSION_DAYS,
                    "match_threshold": settings.DEAL_MATCH_THRESHOLD,
                    "possible_match_threshold": settings.DEAL_POSSIBLE_MATCH_THRESHOLD,
                    "approval_sla_business_days": settings.DEAL_APPROVAL_SLA_BUSINESS_DAYS,
                    "effective_from": beginning,
                    "published_at": beginning,
                },
            )
    except IntegrityError:
        policy = RoePolicy.objects.get(version=1)
    return policy


def current_policy() -> RoePolicy:
    return policy_at(timezone.now())


def protection_days(tier_id, when=None) -> int:
    """Days of protection an approved registration of a partner of this tier gets under the version in force
    at `when` (default now): what the engine applies and what the program pages show
    (docs/program-terms.md)."""
    return policy_at(when).protection_days_for(tier_id)


def latest_simulation(policy):
    """The newest simulation of a version, or None (from a prefetch of `simulations` when there is one)."""
    cached = getattr(policy, "_prefetched_objects_cache", {}).get("simulations")
    if cached is not None:
        return max(cached, key=lambda s: (s.created_at, s.id), default=None)
    return policy.simulations.order_by("-created_at", "-id").first()


def versions():
    return RoePolicy.objects.select_related("created_by", "published_by").order_by("-version")


def state_of(policy, in_force) -> str:
    """draft, in_force, scheduled (published, effective later) or superseded."""
    if policy.status == PolicyStatus.DRAFT:
        return "draft"
    if in_force is not None and policy.pk == in_force.pk:
        return "in_force"
    if policy.effective_from and policy.effective_from > timezone.now():
        return "scheduled"
    return "superseded"


def diff(policy, base) -> list[dict]:
    """The rules that differ between two versions: [{"rule", "key", "base", "value"}]."""
    if base is None:
        return []
    rows = []
    mine, theirs = policy.rules(), base.rules()
    for tier in Tier.objects.order_by("rank"):
        a, b = policy.protection_days_for(tier.pk), base.protection_days_for(tier.pk)
        if a != b:
            rows.append({"key": f"protection_days_{tier.pk}", "rule": tier.name, "base": b, "value": a})
    for key in policy.RULE_FIELDS:
        if mine[key] != theirs[key]:
            rows.append({"key": key, "rule": key, "base": theirs[key], "value": mine[key]})
    return rows
