"""Leads for protected customers (docs/policy.md): the channel manager is warned at creation and assignment,
the partner cannot accept, and a lapse never counts against the partner (lead KPIs, responsiveness, alerts)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.models import KpiSnapshot
from analytics.services import rebuild_kpis
from deals import services, tasks
from deals.models import Lead, LeadReturn, LeadStatus
from prm.exceptions import Conflict
from prm.periods import month_of
from tests.deals.factories import registration_kwargs

pytestmark = pytest.mark.django_db
LEADS = "/api/v1/leads/"
HOOLI = {
    "customer_name": "Hooli XYZ",
    "customer_domain": "hooli.example",
    "customer_country": "US",
    "amount": Decimal("9000"),
}


@pytest.fixture
def protected(other_partner_user):
    """Globex registered Hooli: the customer is protected for Globex."""
    return services.register_deal(
        user=other_partner_user, **registration_kwargs(customer_name="Hooli", customer_domain="hooli.example")
    )


def lapse(lead):
    Lead.objects.filter(pk=lead.pk).update(accept_by=timezone.now() - timedelta(minutes=1))
    assert tasks.return_overdue_leads() == 1
    lead.refresh_from_db()
    return lead


def lead_figures(partner):
    rebuild_kpis()
    row = KpiSnapshot.objects.get(partner=partner, period=month_of(timezone.localdate()).key)
    return row.leads_assigned, row.leads_accepted, row.leads_expired


def test_the_manager_is_warned_when_creating_a_lead_for_a_protected_customer(
    channel_manager, partner, other_partner, protected
):
    lead = services.create_lead(actor=channel_manager, partner=partner, **HOOLI)
    assert lead.customer_protected
    assert len(lead.warnings) == 1
    assert other_partner.name in lead.warnings[0] and f"#{protected.pk}" in lead.warnings[0]
    unassigned = services.create_lead(actor=channel_manager, **HOOLI)
    assert unassigned.warnings and not unassigned.customer_protected


def test_no_warning_for_a_customer_nobody_protects(channel_manager, partner):
    lead = services.create_lead(actor=channel_manager, partner=partner, **HOOLI)
    assert lead.warnings == [] and not lead.customer_protected


def test_the_api_answers_create_and_assign_with_warnings(api_for, channel_manager, partner, other_partner, protected):
    api = api_for(channel_manager)
    created = api.post(LEADS, {**HOOLI, "partner": partner.pk}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["customer_protected"] is True
    assert len(body["warnings"]) == 1 and other_partner.name in body["warnings"][0]
    unassigned = api.post(LEADS, HOOLI, format="json").json()
    assigned = api.post(f"{LEADS}{unassigned['id']}/assign/", {"partner": partner.pk}, format="json")
    assert assigned.status_code == 200
    assert assigned.json()["customer_protected"] is True and other_partner.name in assigned.json()["warnings"][0]


def test_the_partner_never_sees_the_warning(api_for, channel_manager, partner, partner_user, other_partner, protected):
    lead = services.create_lead(actor=channel_manager, partner=partner, **HOOLI)
    body = api_for(partner_user).get(f"{LEADS}{lead.pk}/").content
    assert b"warnings" not in body and other_partner.name.encode() not in body


def test_the_pages_warn_the_manager_at_creation_and_assignment(
    client_for, channel_manager, partner, other_partner, protected
):
    client = client_for(channel_manager)
    page = client.post("/leads/new/", {**HOOLI, "currency": "USD", "partner": partner.pk}, follow=True)
    text = page.content.decode()
    assert "Lead created." in text and other_partner.name in text and "does not count against the partner" in text
    assert Lead.objects.get().customer_protected
    assert 'data-testid="lead-customer-protected"' in text
    unassigned = services.create_lead(actor=channel_manager, **HOOLI)
    page = client.post(f"/leads/{unassigned.pk}/assign/", {"partner": partner.pk}, follow=True)
    assert "Lead assigned." in page.content.decode() and other_partner.name in page.content.decode()


def test_a_lapse_for_a_protected_customer_never_counts_against_the_partner(
    channel_manager, partner, partner_user, protected
):
    lead = services.create_lead(actor=channel_manager, partner=partner, **HOOLI)
    with pytest.raises(Conflict):
        services.accept_lead(lead=lead, actor=partner_user)
    assert lead_figures(partner) == (0, 0, 0)  # waiting for an acceptance it cannot give: not counted
    lead = lapse(lead)
    assert lead.status == LeadStatus.RETURNED and lead.lapse_excused
    assert LeadReturn.objects.get(lead=lead).excused
    assert lead_figures(partner) == (0, 0, 0)


def test_a_lapse_counts_when_the_customer_was_free(channel_manager, partner):
    lead = lapse(services.create_lead(actor=channel_manager, partner=partner, **HOOLI))
    assert not lead.lapse_excused and not LeadReturn.objects.get(lead=lead).excused
    assert lead_figures(partner) == (1, 0, 1)


def test_a_customer_protected_after_assignment_also_excuses_the_lapse(channel_manager, partner, other_partner_user):
    lead = services.create_lead(actor=channel_manager, partner=partner, **HOOLI)
    assert not lead.customer_protected
    services.register_deal(
        user=other_partner_user, **registration_kwargs(customer_name="Hooli", customer_domain="hooli.example")
    )
    assert lapse(lead).lapse_excused


def test_an_excused_miss_stays_uncounted_after_the_lead_moves_on(channel_manager, partner, other_partner, protected):
    lead = lapse(services.create_lead(actor=channel_manager, partner=partner, **HOOLI))
    services.assign_lead(lead=lead, actor=channel_manager, partner=other_partner)
    assert lead_figures(partner) == (0, 0, 0)
