"""Which rules-of-engagement version applies when (issue 12). The policy helper owns this module; the
signatures below are the contract other apps (deals, sla, receipts, disputes) rely on."""

from django.utils import timezone

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
    return found


def current_policy() -> RoePolicy:
    return policy_at(timezone.now())
