"""KPI definitions and their set-based computation (docs/analytics.md, docs/figures.md).

Every figure is an aggregate over a whole source table (optionally restricted to a set of partners),
grouped by partner and month in SQL. A rebuild is two INSERT ... SELECT statements whatever the number
of partners: the month rows (every source's grouped query, built with the ORM, in one UNION ALL, summed
per partner and month and joined to the partners' dimensions), then the quarter rows from them. A
quarter is the combination of its months (sums of the months' sums, counts and cycle days; rates
recomputed from the summed parts; point-in-time figures from the quarter's last month), so quarter
rows always agree with their months. Full and incremental rebuilds run this same code.

Definitions (period = a month, "2026-11", or a fiscal quarter, "2026-Q4"):
- Amounts are in the program currency (settings.DEFAULT_CURRENCY). A deal, MDF request, claim, fund or
  commission entry in another currency is converted at finance's rate (fx.ExchangeRate) in force on the
  record's date for that figure, the same date that puts it in a period (close date for bookings and
  lost deals, submitted_at for registrations, decided_at for pipeline and MDF commitments, paid_at for
  claims and paid commissions, earned_on for owed commissions, the fund's period start, the influence's
  created_at for influenced pipeline), rounded half-up to cents per record (fx.selectors.converted: an
  indexed as-of lookup inside the same INSERT ... SELECT, evaluated only for rows not in the program
  currency). A record whose currency has no rate on that date is left out of every figure (amounts AND
  counts, so the figures stay consistent with each other) and counted in `other_currency_records`.
Every definition below is listed once in docs/figures.md with the app that owns it; where this module
mirrors another app's selector in SQL, a test proves the two equal (tests/analytics/test_figures.py).

- Dimensions: tier_id is the tier the partner held at the period's end (partners.TierChange history; the
  partner's current tier when it has none), so history stays in the tier it was earned in.
- Partner-sourced deals are deals.DealRegistration.objects.partner_sourced(): the partner's own
  registrations, never a deal made by accepting a lead the vendor passed (vendor-sourced, partner-worked).
- sourced_bookings: amounts of partner-sourced deals won with close_date in the period; won_deals is
  their number; new_bookings (deal_type new_business) + expansion_bookings (expansion AND renewal:
  a renewal is business with an existing customer, so it counts as expansion) = sourced_bookings.
- lost_deals: partner-sourced deals lost in the period (by close_date, or for a deal lost without one,
  the day it was last changed, i.e. marked lost).
- win_rate = won_deals / (won_deals + lost_deals); None when neither.
- sales_cycle_days = cycle_days_total / won_deals, where a won deal's cycle is close_date minus the day
  it was submitted (created, for one never submitted), never below 0; None without won deals.
- average_deal_size = sourced_bookings / won_deals; None without won deals.
- registered_deals / registered_value: registrations the vendor accepted (decided_at) in the period, still
  open or since won, lost or expired (DealRegistration.objects.registered(), the rows the tier engine's
  registered_deals provider counts); rejected ones (conflicts, duplicates) never count.
- sourced_pipeline: amounts of those registered deals (pipeline created in the period; = registered_value).
- influenced_bookings: won deals of another partner, or direct deals, that the partner has at least one
  Influence row on, by the deal's close_date (a deal counts once whatever the number of influence kinds).
- program_influenced_bookings: the same deals counted once for the whole program: each at its first
  eligible influence (lowest Influence id not by the deal's own sourcing partner). Program figures (totals,
  trend, groups) sum this column, so a direct deal of 75,000 influenced by two partners is 75,000 of
  program influenced business while each partner's influenced_bookings still credits it in full.
- influenced_pipeline: approved (open) deals of another partner, or direct, by the partner's first
  influence's created_at.
- certified_people: distinct people of the partner holding a certificate valid at the period's end (or now,
  for the running period; enablement.selectors.valid_at); a quarter takes its last month's.
  sales_certified_people: the same for sales certifications only (the tier requirement and the scorecard's
  sales expertise).
- certified_target: certified_people_target of the partner's JointBusinessPlan for the quarter (a
  month shows its quarter's target).
- MDF: mdf_committed = approved amounts of MDF requests approved (decided_at) in the period, whatever
  became of them since (approved, completed, lapsed); mdf_spent = approved amounts of claims paid
  (paid_at) in the period; mdf_available = what is still available on the funds of the period (funds
  whose period starts in it); mdf_earned = accrued + allocated and mdf_invested = committed + paid of
  those funds; mdf_utilisation = mdf_invested / mdf_earned (mdf.selectors.utilisation, the one definition
  the MDF program view uses too); mdf_pipeline = the part of
  sourced_pipeline whose deals name the MDF request that sourced them; pipeline_per_mdf_dollar =
  mdf_pipeline / mdf_spent (None when nothing was spent).
- commission_paid: ledger entries paid (paid_at) in the period; commission_owed: entries earned
  (earned_on) in the period and not paid yet, pending, approved or batched. Both are net sums: a
  clawback is a negative entry (commissions.services) and lowers them.
- leads_assigned / leads_accepted / leads_expired: leads passed (assigned_at) to the partner in the
  period, the ones it accepted, and the ones returned for missing the SLA - including leads that were
  assigned to another partner since (deals.LeadReturn keeps the miss with the partner that missed it);
  lead_acceptance_rate = accepted / assigned (None when none). A lead whose customer a partner's
  registration protected (it could not be accepted) is left out of all three while it waits and once
  it lapsed (docs/policy.md, "Leads for protected customers").
- directory_leads_assigned / directory_leads_accepted: of leads_assigned and leads_accepted, the ones with
  source "directory" (a visitor's request through the public directory; docs/directory.md). The rest are
  vendor-passed; partner-sourced deals are the registrations counted above.

The history horizon is settings.ANALYTICS_HISTORY_MONTHS (default 24) months before the current one,
widened to the start of that quarter, plus the running month and quarter.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from mdf.selectors import utilisation
from prm.periods import Period, _add_months, month_of, quarter_of

RATE = Decimal("0.0001")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

MONEY_FIELDS = (
    "sourced_bookings",
    "influenced_bookings",
    "program_influenced_bookings",
    "sourced_pipeline",
    "influenced_pipeline",
    "new_bookings",
    "expansion_bookings",
    "registered_value",
    "mdf_committed",
    "mdf_spent",
    "mdf_available",
    "mdf_pipeline",
    "mdf_earned",
    "mdf_invested",
    "commission_paid",
    "commission_owed",
)
COUNT_FIELDS = (
    "registered_deals",
    "won_deals",
    "lost_deals",
    "cycle_days_total",
    "leads_assigned",
    "leads_accepted",
    "leads_expired",
    "directory_leads_assigned",
    "directory_leads_accepted",
    "other_currency_records",
)
# Point-in-time figures: a quarter takes its last month's value.
LEVEL_FIELDS = ("certified_people", "sales_certified_people", "certified_target")
# Month rows of these come from one member per month (the set valid at each month's end differs).
CERTIFICATE_FIELDS = ("certified_people", "sales_certified_people")
DERIVED_FIELDS = (
    "win_rate",
    "sales_cycle_days",
    "average_deal_size",
    "mdf_utilisation",
    "pipeline_per_mdf_dollar",
    "lead_acceptance_rate",
)
KPI_FIELDS = MONEY_FIELDS + COUNT_FIELDS + LEVEL_FIELDS + DERIVED_FIELDS


@dataclass(frozen=True)
class Horizon:
    months: list[Period]
    quarters: list[Period]

    @property
    def start(self) -> date:
        return self.quarters[0].start

    @property
    def end(self) -> date:
        return self.months[-1].end


def history_horizon(today: date | None = None) -> Horizon:
    """The periods a rollup rebuilds: ANALYTICS_HISTORY_MONTHS back, from that quarter's start, to today."""
    today = today or timezone.localdate()
    back = getattr(settings, "ANALYTICS_HISTORY_MONTHS", 24)
    first = quarter_of(_add_months(date(today.year, today.month, 1), -back)).start
    current = month_of(today)
    months, day = [], first
    while day <= current.start:
        months.append(month_of(day))
        day = _add_months(day, 1)
    quarters = []
    for month in months:
        quarter = quarter_of(month.start)
        if not quarters or quarters[-1].key != quarter.key:
            quarters.append(quarter)
    return Horizon(months=months, quarters=quarters)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


ACCUMULATED = MONEY_FIELDS + COUNT_FIELDS + CERTIFICATE_FIELDS
# Progress steps of a rebuild: started (outside the transaction), months written, quarters written.
STEPS = 3


def _ratio(numerator, denominator, places=RATE):
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(places, rounding=ROUND_HALF_UP)


def _utilisation(row: dict):
    # The parts are already summed: invested = committed + paid, earned = accrued + allocated.
    return utilisation(committed=row.get("mdf_invested", 0), paid=0, accrued=row.get("mdf_earned", 0), allocated=0)


def derive(row: dict) -> dict:
    """The rates and averages of a group of rows from its summed parts (program dashboard and API)."""
    won, lost = row.get("won_deals", 0), row.get("lost_deals", 0)
    row["win_rate"] = _ratio(won, won + lost)
    row["sales_cycle_days"] = _ratio(row.get("cycle_days_total", 0), won, TENTH)
    row["average_deal_size"] = _ratio(row.get("sourced_bookings", 0), won, CENT)
    row["mdf_utilisation"] = _utilisation(row)
    row["pipeline_per_mdf_dollar"] = _ratio(row.get("mdf_pipeline", 0), row.get("mdf_spent", 0), CENT)
    row["lead_acceptance_rate"] = _ratio(row.get("leads_accepted", 0), row.get("leads_assigned", 0))
    return row
