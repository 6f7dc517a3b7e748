"""Leads not accepted in time return to the channel manager (deals.services.return_lead_if_overdue) and count
against the partner's responsiveness: the scorecard criterion "responsiveness" reads lead_acceptance_rate."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.models import KpiSnapshot, ScorecardCriterion
from analytics.services import rebuild_kpis
from deals.models import Lead, LeadStatus
from deals.services import assign_lead, return_lead_if_overdue
from prm.periods import month_of

pytestmark = pytest.mark.django_db


def lead(partner, manager, *, status=LeadStatus.ASSIGNED, overdue=False):
    now = timezone.now()
    return Lead.objects.create(
        partner=partner,
        created_by=manager,
        customer_name="Lead customer",
        customer_country="US",
        status=status,
        assigned_at=now - timedelta(hours=80 if overdue else 1),
        accept_by=now - timedelta(hours=8) if overdue else now + timedelta(hours=71),
    )


def rate(partner):
    rebuild_kpis(partner_ids=[partner.pk])
    row = KpiSnapshot.objects.get(partner=partner, period=month_of(timezone.localdate()).key)
    return row.leads_assigned, row.leads_expired, row.lead_acceptance_rate


def test_the_responsiveness_criterion_is_the_lead_acceptance_rate():
    criterion = ScorecardCriterion.objects.get(key="responsiveness")
    assert criterion.kpi_field == "lead_acceptance_rate"


def test_a_returned_lead_lowers_the_partners_responsiveness(partner, other_partner, channel_manager):
    # Acme accepts one lead and lets the other run past LEAD_ACCEPT_SLA_HOURS; Globex accepts both.
    lead(partner, channel_manager, status=LeadStatus.ACCEPTED)
    late = lead(partner, channel_manager, overdue=True)
    lead(other_partner, channel_manager, status=LeadStatus.ACCEPTED)
    lead(other_partner, channel_manager, status=LeadStatus.ACCEPTED)

    assert return_lead_if_overdue(lead_id=late.pk) is True
    late.refresh_from_db()
    assert late.status == LeadStatus.RETURNED

    assert rate(partner) == (2, 1, Decimal("0.5000"))
    assert rate(other_partner) == (2, 0, Decimal("1.0000"))


def test_a_returned_lead_still_counts_after_it_is_reassigned(partner, other_partner, channel_manager):
    """deals.LeadReturn keeps the miss with the partner that missed it when the lead moves on."""
    lead(partner, channel_manager, status=LeadStatus.ACCEPTED)
    late = lead(partner, channel_manager, overdue=True)
    return_lead_if_overdue(lead_id=late.pk)
    late.refresh_from_db()
    assign_lead(lead=late, actor=channel_manager, partner=other_partner)
    assert rate(partner) == (2, 1, Decimal("0.5000"))
    # The new partner is judged on its own assignment only, and a second run of the return changes nothing.
    assert rate(other_partner)[0] == 1
    assert return_lead_if_overdue(lead_id=late.pk) is False
