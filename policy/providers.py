"""Program terms provider (partners.program_terms): protection days per tier under the rules-of-engagement
version in force on the day (docs/program-terms.md)."""

from datetime import datetime, time

from django.utils import timezone

from partners.program_terms import provides
from policy.selectors import policy_at


@provides("protection_days")
def protection_days(tiers, on):
    # The version in force now for today, else at the end of the given day.
    when = timezone.now() if on == timezone.localdate() else timezone.make_aware(datetime.combine(on, time.max))
    policy = policy_at(when)
    return {tier.pk: policy.protection_days_for(tier.pk) for tier in tiers}
