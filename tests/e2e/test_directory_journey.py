"""Journey: a visitor finds a partner in the public directory, opens its profile and contacts it; the lead is routed
to that partner, lapses to the next one, and the routed partner's admin accepts it in the portal."""

from datetime import timedelta

import pytest
from django.test import Client

from deals.models import Lead, LeadHop, LeadStatus
from deals.services import return_lead_if_overdue
from tests.directory.helpers import active_rule, listed_partner
from tests.factories import PartnerAdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in_as(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_search_profile_contact_and_the_routed_partner_accepts(browser_page, live_server):
    page = browser_page
    active_rule(max_hops=3)
    first = listed_partner("Cascade Cloud Works", tier_name="Platinum", certificates=2)
    second = listed_partner("Redwood Integrations", tier_name="Gold", certificates=1)
    second_admin = PartnerAdminFactory(partner=second.partner, email="admin@redwood.example")

    # 1. Anonymous search with a filter, then the profile with its verifiable evidence.
    page.goto("/partners/find/?country=US")
    page.wait_for_selector("[data-testid=directory-title]")
    names = page.get_by_test_id("listing-link").all_inner_texts()
    assert names[:2] == ["Cascade Cloud Works", "Redwood Integrations"]  # ranked by tier
    page.get_by_test_id("listing-link").first.click()
    page.wait_for_selector("[data-testid=profile-name]")
    assert page.get_by_test_id("certificate-link").count() == 2
    assert page.get_by_test_id("statement-link").is_visible()

    # 2. Contact the partner: the lead is routed to it.
    page.fill("#id_name", "Grace Hopper")
    page.fill("#id_email", "grace@navy.example")
    page.fill("#id_company", "Harbour Shipping")
    page.select_option("#id_country", "US")
    page.fill("#id_message", "We need a migration partner this quarter.")
    page.get_by_test_id("request-submit").click()
    page.wait_for_selector("[data-testid=request-sent]")
    lead = Lead.objects.get(customer_name="Harbour Shipping")
    assert lead.partner_id == first.partner_id and lead.status == LeadStatus.ASSIGNED

    # 3. The first partner lets it lapse: it is reclaimed and rerouted to the next partner.
    assert return_lead_if_overdue(lead_id=lead.pk, now=lead.accept_by + timedelta(minutes=1))
    lead.refresh_from_db()
    assert lead.partner_id == second.partner_id
    assert LeadHop.objects.filter(lead=lead).count() == 2

    # 4. The routed partner's admin accepts it on the leads page.
    log_in_as(page, live_server, second_admin)
    page.goto("/leads/")
    page.get_by_role("button", name="Accept").first.click()
    page.wait_for_load_state()
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ACCEPTED and lead.deal.partner_id == second.partner_id
    assert not page.csp_violations
