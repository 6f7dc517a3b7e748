"""Incumbency (docs/policy.md, "Incumbency"): for the policy's incumbency days after a partner wins a
customer, another partner's registration of it goes to review as `incumbent`, is never bulk-approved, and
never tells the registering partner who the incumbent is."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from deals import services
from deals.models import DealRegistration, DealStatus
from policy.selectors import current_policy
from tests.deals.factories import DealFactory, registration, registration_kwargs

pytestmark = pytest.mark.django_db
DEALS = "/api/v1/deals/"


def won_by(partner_user, *, days_ago=0, **overrides):
    """Initech, registered, approved and won by `partner_user`'s partner `days_ago` days ago."""
    deal = DealFactory(
        partner=partner_user.partner,
        registered_by=partner_user,
        account__name="Initech Corporation",
        account__domain="initech.example",
        **overrides,
    )
    # Registered before it was won: a close date lies between the registration and today (docs/commissions-rules.md).
    registered = timezone.now() - timedelta(days=days_ago + 1)
    type(deal).objects.filter(pk=deal.pk).update(submitted_at=registered, created_at=registered)
    deal.refresh_from_db()
    services.mark_won(
        deal=deal,
        actor=partner_user,
        amount=Decimal("40000.00"),
        close_date=timezone.localdate() - timedelta(days=days_ago),
    )
    deal.refresh_from_db()
    assert deal.status == DealStatus.WON
    return deal


def test_a_customer_another_partner_just_won_goes_to_review_as_incumbent(partner_user, other_partner_user):
    win = won_by(partner_user)
    deal = services.register_deal(user=other_partner_user, **registration_kwargs())
    assert (deal.status, deal.reason) == (DealStatus.PENDING_REVIEW, "incumbent")
    assert deal.account_id == win.account_id
    assert deal.conflict_with_id == win.pk  # for the channel manager; the partner's views never show it
    assert deal.policy_version == current_policy()
    message = services.outcome_message(deal)
    assert "existing customer relationship is being checked" in message
    assert partner_user.partner.name not in message


def test_bulk_approval_does_not_accept_an_incumbent_registration(
    client_for, api_for, partner_user, other_partner_user, channel_manager
):
    won_by(partner_user)
    incumbent = services.register_deal(user=other_partner_user, **registration_kwargs())
    assert services.bulk_approve(deal_ids=[incumbent.pk], actor=channel_manager) == 0
    client_for(channel_manager).post("/deals/review/bulk-approve/", {"deal": [incumbent.pk]})
    incumbent.refresh_from_db()
    assert incumbent.status == DealStatus.PENDING_REVIEW
    review = client_for(channel_manager).get("/deals/review/").content.decode()
    assert f'value="{incumbent.pk}"' not in review  # no bulk-approval checkbox for it
    # A channel manager decides it one by one.
    services.approve_deal(deal=incumbent, actor=channel_manager)
    incumbent.refresh_from_db()
    assert incumbent.status == DealStatus.APPROVED


def test_the_api_and_pages_show_incumbent_without_naming_the_incumbent(
    api_for, client_for, partner, partner_user, other_partner_user
):
    won_by(partner_user)
    response = api_for(other_partner_user).post(DEALS, registration(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["reason"]) == ("pending_review", "incumbent")
    assert "existing customer relationship is being checked" in body["message"]
    deal_id = body["id"]
    bodies = [response.content, api_for(other_partner_user).get(f"{DEALS}{deal_id}/").content]
    page = client_for(other_partner_user).get(f"/deals/{deal_id}/")
    assert page.status_code == 200
    assert "An existing customer relationship is being checked" in page.content.decode()
    bodies.append(page.content)
    for content in bodies:
        assert partner.name.encode() not in content
    assert "conflict_with" not in api_for(other_partner_user).get(f"{DEALS}{deal_id}/").json()


def test_the_internal_api_names_the_won_deal(api_for, partner_user, other_partner_user, channel_manager):
    win = won_by(partner_user)
    deal = services.register_deal(user=other_partner_user, **registration_kwargs())
    body = api_for(channel_manager).get(f"{DEALS}{deal.pk}/").json()
    assert (body["reason"], body["conflict_with"]) == ("incumbent", win.pk)


def test_the_incumbent_itself_registers_its_customer_again_cleanly(partner_user):
    won_by(partner_user)
    deal = services.register_deal(user=partner_user, **registration_kwargs())
    assert (deal.status, deal.reason) == (DealStatus.SUBMITTED, "")


def test_a_win_older_than_the_incumbency_days_is_no_incumbency(partner_user, other_partner_user):
    policy = current_policy()
    won_by(partner_user, days_ago=policy.incumbency_days + 1)
    deal = services.register_deal(user=other_partner_user, **registration_kwargs())
    assert (deal.status, deal.reason) == (DealStatus.SUBMITTED, "")


def test_zero_incumbency_days_switch_the_rule_off(partner_user, other_partner_user):
    current_policy().__class__.objects.filter(pk=current_policy().pk).update(incumbency_days=0)
    won_by(partner_user)
    deal = services.register_deal(user=other_partner_user, **registration_kwargs())
    assert (deal.status, deal.reason) == (DealStatus.SUBMITTED, "")


def test_the_default_incumbency_is_a_year():
    assert current_policy().incumbency_days == 365


def test_the_review_queue_lists_an_incumbent_registration(
    client_for, partner_user, other_partner_user, channel_manager
):
    won_by(partner_user)
    deal = services.register_deal(user=other_partner_user, **registration_kwargs())
    assert DealRegistration.objects.awaiting_review().filter(pk=deal.pk).exists()
    page = client_for(channel_manager).get("/deals/review/").content.decode()
    assert "An existing customer relationship is being checked" in page
