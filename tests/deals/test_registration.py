"""Registration outcomes (docs/api.md: registration outcome) and the rules of engagement behind them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deals import services
from deals.models import DealRegistration, DealStatus
from prm.models import AuditEntry, DomainEvent
from tests.deals.factories import AccountFactory, DealFactory, DirectAccountFactory, registration

pytestmark = pytest.mark.django_db
DEALS = "/api/v1/deals/"


def register(api_for, user, **overrides):
    return api_for(user).post(DEALS, registration(**overrides), format="json")


def test_a_new_customer_is_submitted_for_review(api_for, partner_user):
    response = register(api_for, partner_user)
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["reason"], body["protected_until"], body["duplicate_of"]) == (
        "submitted",
        None,
        None,
        None,
    )
    assert "channel manager reviews it within 2 business days" in body["message"]
    deal = DealRegistration.objects.get(pk=body["id"])
    assert deal.account.domain == "initech.example"
    assert AuditEntry.objects.filter(object_id=deal.pk, action="register", to_state="submitted").exists()
    event = DomainEvent.objects.get(name="deal.submitted", object_id=deal.pk)
    assert event.partner_id == partner_user.partner_id


def test_second_partner_is_told_the_account_is_protected_until_a_date(
    api_for, partner_user, other_partner_user, channel_manager
):
    first = register(api_for, partner_user).json()
    services.approve_deal(deal=DealRegistration.objects.get(pk=first["id"]), actor=channel_manager)
    holder = DealRegistration.objects.get(pk=first["id"])
    response = register(api_for, other_partner_user, customer_name="INITECH corp.", customer_domain="initech.example")
    body = response.json()
    assert response.status_code == 201
    assert (body["status"], body["reason"]) == ("rejected", "conflict")
    assert body["protected_until"] == holder.protected_until.isoformat()
    assert f"protected until {holder.protected_until.isoformat()}" in body["message"]


def test_a_conflict_never_names_the_other_partner(api_for, client_for, partner, partner_user, other_partner_user):
    first = register(api_for, partner_user).json()
    response = register(api_for, other_partner_user)
    assert response.json()["reason"] == "conflict"
    deal_id = response.json()["id"]
    api = api_for(other_partner_user)
    bodies = [
        response.content,
        api.get(f"{DEALS}{deal_id}/").content,
        api.get(DEALS).content,
        api.get(f"{DEALS}?export=csv").content,
    ]
    client = client_for(other_partner_user)
    for url in (f"/deals/{deal_id}/", "/deals/", "/deals/?export=csv", "/notifications/", "/"):
        page = client.get(url)
        assert page.status_code == 200, url
        bodies.append(b"".join(page.streaming_content) if page.streaming else page.content)
    bodies.append(client.get("/deals/new/hint/", {"customer_name": "Initech", "customer_country": "US"}).content)
    for body in bodies:
        assert partner.name.encode() not in body
        assert b"Acme" not in body
    assert api.get(f"{DEALS}{first['id']}/").status_code == 404


def test_a_pending_registration_also_blocks_other_partners(api_for, partner_user, other_partner_user):
    register(api_for, partner_user)
    body = register(api_for, other_partner_user).json()
    assert (body["status"], body["reason"]) == ("rejected", "conflict")
    assert body["protected_until"] is not None


def test_same_partner_twice_is_a_duplicate_of_its_own_deal(api_for, partner_user, partner_admin):
    first = register(api_for, partner_user).json()
    body = register(api_for, partner_admin, customer_name="Initech", customer_domain="initech.example").json()
    assert (body["status"], body["reason"], body["duplicate_of"]) == ("rejected", "duplicate", first["id"])
    assert f"deal #{first['id']}" in body["message"]


def test_an_existing_direct_customer_goes_to_review(api_for, partner_user):
    DirectAccountFactory(name="Initech Corporation", domain="initech.example")
    body = register(api_for, partner_user).json()
    assert (body["status"], body["reason"]) == ("pending_review", "direct_account")
    assert "direct sales team" in body["message"]


def test_a_possible_match_goes_to_review_with_its_evidence(api_for, partner_user, other_partner):
    held = DealFactory(
        partner=other_partner, account=AccountFactory(name="Northwind Traders", domain="northwind.example")
    )
    body = register(api_for, partner_user, customer_name="Northwind Trading", customer_domain="").json()
    assert (body["status"], body["reason"]) == ("pending_review", "possible_match")
    deal = DealRegistration.objects.get(pk=body["id"])
    evidence = deal.match_evidence[0]
    assert evidence["account_id"] == held.account_id and evidence["verdict"] == "possible_match"
    assert 80 <= evidence["name_similarity"] < 90 and evidence["same_domain"] is False and evidence["country"] == "US"


def test_a_hard_non_match_is_a_new_customer(api_for, partner_user, other_partner):
    DealFactory(partner=other_partner, account=AccountFactory(name="Acme Bank", domain="acmebank.example"))
    body = register(api_for, partner_user, customer_name="Acme Corp", customer_domain="acme-corp.example").json()
    assert body["status"] == "submitted"


def test_an_expired_holder_no_longer_blocks(api_for, partner_user, other_partner):
    DealFactory(
        partner=other_partner,
        account=AccountFactory(name="Initech Corporation", domain="initech.example"),
        protected_until=timezone.localdate() - timedelta(days=1),
    )
    body = register(api_for, partner_user).json()
    assert body["status"] == "submitted"
    assert DealRegistration.objects.filter(partner=other_partner, status=DealStatus.EXPIRED).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "-5"),
        ("expected_close_date", "2001-01-01"),
        ("currency", "XYZ"),
        ("customer_country", "ZZ"),
        ("customer_name", ""),
        ("contact_email", "not-an-email"),
        ("customer_domain", "not a domain"),
        ("deal_type", "barter"),
    ],
)
def test_bad_input_gets_400_with_field_errors(api_for, partner_user, field, value):
    response = register(api_for, partner_user, **{field: value})
    assert response.status_code == 400
    assert field in response.json()
    assert not DealRegistration.objects.exists()


def test_internal_users_do_not_register_deals(api_for, channel_manager):
    assert register(api_for, channel_manager).status_code == 403


def test_anonymous_callers_get_401(api_client):
    assert api_client.post(DEALS, registration(), format="json").status_code in (401, 403)
    assert api_client.get(DEALS).status_code in (401, 403)
