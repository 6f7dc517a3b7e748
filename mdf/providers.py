"""Program terms provider (partners.program_terms): the MDF accrual rate per tier, through the function the
accrual service applies to a won deal (mdf.selectors.accrual_rates / accrual_rate; docs/program-terms.md)."""

from mdf.selectors import accrual_rates
from partners.program_terms import provides


@provides("mdf_accrual_rate")
def mdf_accrual_rate(tiers, on):
    return accrual_rates([tier.pk for tier in tiers])
