"""Tier engine providers (partners.tier_engine): certified people per partner, set-based."""

from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from enablement.models import Certificate, CertificationKind
from enablement.selectors import valid_at
from partners.business_plans import provides_plan_actual
from partners.tier_engine import provides


def certified_people(kind: str | None, partner_ids: list[int], since: date, until: date) -> dict[int, Decimal]:
    """Distinct people per partner holding a certificate of `kind` (None: any kind, each person once) valid
    at the window's end (the end of its last day: enablement.selectors.valid_at, the same test as the KPI
    snapshots' certified_people and sales_certified_people); one aggregate query."""
    end = timezone.make_aware(datetime.combine(until, time.min))
    certificates = Certificate.objects.filter(valid_at(end), partner_id__in=partner_ids)
    if kind is not None:
        certificates = certificates.filter(certification__kind=kind)
    rows = certificates.values("partner_id").annotate(people=Count("user_id", distinct=True)).order_by()
    return {row["partner_id"]: Decimal(row["people"]) for row in rows}


@provides("sales_certified_people")
def sales_certified_people(partner_ids, since, until):
    return certified_people(CertificationKind.SALES, partner_ids, since, until)


@provides("technical_certified_people")
def technical_certified_people(partner_ids, since, until):
    return certified_people(CertificationKind.TECHNICAL, partner_ids, since, until)


@provides_plan_actual("certified_people")
def plan_certified_people(partner_ids, since, until):
    """A business plan's certified people: any kind, each person once (partners/business_plans.py)."""
    return certified_people(None, partner_ids, since, until)
