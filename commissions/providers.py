"""Program terms provider (partners.program_terms): the commission of each partner type at each tier, from
the plans and their effective-dated rules, as the engine applies them (docs/program-terms.md)."""

from commissions.selectors import commission_terms_table
from partners.program_terms import provides


@provides("commission")
def commission(partner_types, tiers, on):
    return commission_terms_table(partner_types, tiers, on)
