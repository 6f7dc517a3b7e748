"""Reads of the availability check: the policy in force, the setups a client downloads, the audit of checks."""

from django.db.models import Sum
from django.utils import timezone

from availability.models import AvailabilityPolicy, CheckRecord, DailyUsage, PsiSetup, SetupCategory


def policy_in_force(when=None) -> AvailabilityPolicy:
    """The newest version effective at `when`; before any version, checks are off (an unsaved default)."""
    when = when or timezone.now()
    found = AvailabilityPolicy.objects.filter(effective_from__lte=when).order_by("-effective_from", "-version").first()
    return found or AvailabilityPolicy(version=0, enabled=False)


def versions():
    return AvailabilityPolicy.objects.select_related("created_by").order_by("-version")


def used_today(partner_id: int) -> int:
    row = DailyUsage.objects.filter(partner_id=partner_id, day=timezone.localdate()).first()
    return row.prospects if row else 0


def remaining_today(partner_id: int, policy=None) -> int:
    policy = policy or policy_in_force()
    return max(0, policy.daily_limit - used_today(partner_id))


def current_setups(policy) -> list[PsiSetup]:
    """The setups a check answers with under `policy`: the direct accounts and the protected customers (one
    set, or buckets of protection ends when the policy shows dates). Only those built for that choice."""
    rows = PsiSetup.objects.filter(show_dates=policy.show_dates, category=SetupCategory.PROTECTED)
    direct = PsiSetup.objects.filter(category=SetupCategory.DIRECT)
    return list(rows.order_by("bucket")) + list(direct)


def check_records(limit: int = 200):
    return CheckRecord.objects.select_related("partner", "user").order_by("-created_at", "-id")[:limit]


def check_totals() -> dict:
    totals = CheckRecord.objects.aggregate(prospects=Sum("prospects"))
    return {"checks": CheckRecord.objects.count(), "prospects": totals["prospects"] or 0}
