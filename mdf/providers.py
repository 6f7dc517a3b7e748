"""Program terms provider (partners.program_terms): the MDF accrual rate per tier, through the function the
accrual service applies to a won deal (mdf.selectors.accrual_rate; docs/program-terms.md)."""

from mdf.selectors import accrual_rate
from partners.program_terms import provides


@provides("mdf_accrual_rate")
def mdf_accrual_rate(tiers, on):
    return {tier.pk: accrual_rate(tier.pk) for tier in tiers}
