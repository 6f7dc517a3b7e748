"""Tier engine providers (partners.tier_engine): set-based, one aggregate query each."""

from datetime import date
from decimal import Decimal

from django.db.models import Count

from deals.models import DealRegistration, DealStatus
from fx.selectors import missing_rates, program_sum, unconverted
from fx.services import report_missing_rates
from partners.tier_engine import provides, reports_unconverted


def _won(partner_ids: list[int], since: date, until: date):
    # Partner-sourced only: a deal made by accepting a vendor's lead is not the partner's sourcing.
    return DealRegistration.objects.partner_sourced().filter(
        partner_id__in=partner_ids,
        status=DealStatus.WON,
        close_date__gte=since,
        close_date__lt=until,
    )


@provides("sourced_bookings")
def sourced_bookings(partner_ids: list[int], since: date, until: date) -> dict[int, Decimal]:
    """Amounts of partner-sourced deals won with a close date in [since, until), in the program currency
    at finance's rates of the close date (fx). A deal in a currency without a rate for its close date is
    listed by `sourced_bookings_unconverted` (tier panel, review measurements) and finance is alerted."""
    rows = _won(partner_ids, since, until).values("partner_id").annotate(total=program_sum("amount", "close_date"))
    missing = missing_rates(_won(partner_ids, since, until), "close_date")
    if missing:
        report_missing_rates(missing, where="tier figures")
    return {row["partner_id"]: Decimal(row["total"] or 0) for row in rows}


@reports_unconverted("sourced_bookings")
def sourced_bookings_unconverted(partner_ids: list[int], since: date, until: date) -> dict[int, list[dict]]:
    result: dict[int, list[dict]] = {}
    for row in unconverted(_won(partner_ids, since, until), "amount", "close_date", group=("partner_id",)):
        result.setdefault(row.pop("partner_id"), []).append(row)
    return result


@provides("registered_deals")
def registered_deals(partner_ids: list[int], since: date, until: date) -> dict[int, Decimal]:
    """Registered deals (docs/figures.md): registrations the vendor accepted in [since, until), whatever
    became of them since (won, lost, expired); analytics' registered_deals KPI counts the same rows."""
    rows = (
        DealRegistration.objects.registered()
        .filter(partner_id__in=partner_ids, decided_at__date__gte=since, decided_at__date__lt=until)
        .values("partner_id")
        .annotate(n=Count("id"))
    )
    return {row["partner_id"]: Decimal(row["n"]) for row in rows}
