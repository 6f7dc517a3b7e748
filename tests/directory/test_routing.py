"""Lead routing: directory leads are routed by the rules, lapse, are reclaimed and offered to the next partner (at
most max_hops, then the manager), each hop recorded; the miss stays with the partner that let it lapse."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from deals import routing
from deals.models import HopOutcome, Lead, LeadHop, LeadReturn, LeadSource, LeadStatus, RoutingStrategy
from deals.services import accept_lead, return_lead_if_overdue
from directory import services
from prm.models import DomainEvent
from tests.directory.helpers import active_rule, listed_partner
from tests.factories import PartnerAdminFactory

pytestmark = pytest.mark.django_db

REQUEST = {
    "name": "Dana Buyer",
    "email": "dana@customer.example",
    "company": "Customer Inc",
    "country": "US",
    "specialisation": "",
    "product": "Platform",
    "message": "We need help with a rollout.",
}


def lapse(lead):
    later = Lead.objects.get(pk=lead.pk).accept_by + timedelta(minutes=1)
    assert return_lead_if_overdue(lead_id=lead.pk, now=later)
    return Lead.objects.get(pk=lead.pk)


def test_find_me_a_partner_routes_by_tier_weight_and_reroutes_after_lapse():
    active_rule(max_hops=2)
    gold = listed_partner("Gold Co", tier_name="Gold").partner
    platinum = listed_partner("Platinum Co", tier_name="Platinum").partner
    listed_partner("Silver Co", tier_name="Silver")  # listed, but its tier receives no routed leads
    lead = services.request_partner(data=REQUEST)
    assert lead.source == LeadSource.DIRECTORY and lead.routed
    assert lead.partner == platinum and lead.status == LeadStatus.ASSIGNED
    lead = lapse(lead)
    assert lead.partner == gold and lead.status == LeadStatus.ASSIGNED
    hops = list(LeadHop.objects.filter(lead=lead).values_list("partner_id", "number", "outcome"))
    assert hops == [(platinum.pk, 1, HopOutcome.LAPSED), (gold.pk, 2, HopOutcome.PENDING)]
    # The miss stays with the partner that let it lapse.
    assert LeadReturn.objects.filter(lead=lead, partner=platinum, excused=False).exists()
    # Two hops used: the next lapse goes to the manager.
    lead = lapse(lead)
    assert lead.status == LeadStatus.RETURNED
    names = list(DomainEvent.objects.filter(object_id=lead.pk).values_list("name", flat=True))
    assert names.count("lead.routed") == 2 and names.count("lead.reclaimed") == 2
    assert names.count("lead.returned") == 1  # only when it came back to the manager


def test_the_routed_partner_accepts():
    active_rule()
    partner = listed_partner("Gold Co").partner
    admin = PartnerAdminFactory(partner=partner)
    lead = services.request_partner(data=REQUEST)
    deal = accept_lead(lead=lead, actor=admin)
    assert deal.partner == partner
    assert LeadHop.objects.get(lead=lead).outcome == HopOutcome.ACCEPTED


def test_contact_a_partner_offers_the_lead_to_that_partner_first(client):
    active_rule()
    listed_partner("Platinum Co", tier_name="Platinum")
    chosen = listed_partner("Gold Co", tier_name="Gold")
    response = client.post(reverse("directory:profile", args=[chosen.slug]), REQUEST)
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.partner == chosen.partner and lead.routed
    assert mail.outbox == [] or all("dana@customer.example" not in m.to for m in mail.outbox)


def test_honeypot_refuses_the_request(client):
    chosen = listed_partner("Gold Co")
    response = client.post(reverse("directory:profile", args=[chosen.slug]), {**REQUEST, "website_url": "spam"})
    assert response.status_code == 400
    assert not Lead.objects.exists()


def test_anonymous_requests_are_throttled(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon_form": "2/hour"}}  # fmt: skip
    from django.core.cache import cache

    cache.clear()
    codes = [client.post(reverse("directory:match"), REQUEST).status_code for _ in range(3)]
    assert codes[-1] == 429


def test_capacity_round_robin_and_acceptance():
    rule = active_rule(strategy=RoutingStrategy.ROUND_ROBIN, capacity=1)
    first = listed_partner("First Co").partner
    second = listed_partner("Second Co").partner
    a = services.request_partner(data=REQUEST)
    b = services.request_partner(data=REQUEST)
    assert {a.partner_id, b.partner_id} == {first.pk, second.pk}
    # Both are at capacity: the third waits for the manager.
    c = services.request_partner(data=REQUEST)
    assert c.partner_id is None and c.status == LeadStatus.NEW
    rule.capacity, rule.min_acceptance = 0, "0.5"
    rule.save()
    lapse(a)  # the partner of `a` now has acceptance 0
    d = services.request_partner(data=REQUEST)
    assert d.partner_id == b.partner_id


def test_rule_matching_on_country_product_and_size():
    rule = active_rule(countries=["DE"], products=["platform"], min_amount=1000, max_amount=5000, currency="EUR")
    lead = Lead(customer_country="DE", product="Data Platform", amount=2000, currency="EUR")
    assert routing.rule_matches(rule, lead)
    assert not routing.rule_matches(rule, Lead(customer_country="US", product="Platform", amount=2000, currency="EUR"))
    assert not routing.rule_matches(rule, Lead(customer_country="DE", product="Platform", amount=2000, currency="USD"))
    assert not routing.rule_matches(rule, Lead(customer_country="DE", product="Platform", amount=9000, currency="EUR"))


def test_preview_of_the_last_leads_under_a_draft_rule(django_assert_max_num_queries):
    from deals.models_routing import RoutingRuleStatus

    listed_partner("First Co")
    listed_partner("Second Co")
    for _ in range(6):
        Lead.objects.create(customer_name="X", customer_country="US")
    draft = active_rule(status=RoutingRuleStatus.DRAFT, strategy=RoutingStrategy.ROUND_ROBIN)
    with django_assert_max_num_queries(3):
        rows = routing.preview(draft)
    assert len(rows) == 6 and all(row.partner is not None for row in rows)
    assert sorted(n for _name, n in routing.routing_counts(rows)) == [3, 3]


def test_routing_a_lead_takes_a_bounded_number_of_queries(django_assert_max_num_queries):
    active_rule()
    for n in range(15):
        listed_partner(f"Partner {n}")
    lead = Lead.objects.create(customer_name="Y", customer_country="US", source=LeadSource.DIRECTORY)
    with django_assert_max_num_queries(30):
        hop = routing.route_lead(lead=lead)
    assert hop is not None


def test_lapsed_lead_without_rules_goes_to_the_manager():
    partner = listed_partner("Gold Co").partner
    lead = services.request_partner(data=REQUEST)  # no rule: nobody
    assert lead.partner_id is None
    lead = Lead.objects.create(customer_name="Z", customer_country="US", routed=True)
    routing.offer_to(lead=lead, partner=partner)
    lead = lapse(lead)
    assert lead.status == LeadStatus.RETURNED
    assert LeadHop.objects.get(lead=lead).outcome == HopOutcome.LAPSED


def test_directory_leads_are_attributed_in_the_kpis():
    from analytics.models import KpiSnapshot
    from analytics.services import rebuild_kpis
    from prm.periods import month_of

    active_rule()
    partner = listed_partner("Gold Co").partner
    admin = PartnerAdminFactory(partner=partner)
    accepted = services.request_partner(data=REQUEST)
    accept_lead(lead=accepted, actor=admin)
    services.request_partner(data={**REQUEST, "company": "Another Customer"})  # not protected by the first
    Lead.objects.create(customer_name="Vendor lead", customer_country="US", partner=partner,
                        status=LeadStatus.ASSIGNED, assigned_at=timezone.now())  # fmt: skip
    rebuild_kpis()
    row = KpiSnapshot.objects.get(partner=partner, period=month_of(timezone.localdate()).key)
    assert (row.leads_assigned, row.directory_leads_assigned, row.directory_leads_accepted) == (3, 2, 1)
