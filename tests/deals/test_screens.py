"""Deal screens say what is true for the reader: a deal's own protection only while it holds one, the other
partner's protection only as the conflict explanation, outcome sentences per audience, only the actions the
services allow, no deal matching itself, and flash messages naming the deal and its new state."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from deals import services
from deals.models import DealReason, DealStatus, ExtensionStatus
from prm import formatting
from tests.deals.factories import DealFactory, DirectAccountFactory, registration_kwargs

pytestmark = pytest.mark.django_db

LATER = timezone.localdate() + timedelta(days=400)


def _detail(client, deal):
    return client.get(reverse("deals:detail", args=[deal.pk])).content.decode()


@pytest.fixture
def managed(partner, channel_manager):
    channel_manager.first_name, channel_manager.last_name = "Carla", "Manager"
    channel_manager.save()
    partner.channel_manager = channel_manager
    partner.save()
    return partner


@pytest.fixture
def conflict(partner, partner_user, other_partner):
    """Our registration, rejected: Globex holds the customer until LATER."""
    holder = DealFactory(partner=other_partner, protected_until=LATER)
    return DealFactory(
        partner=partner,
        registered_by=partner_user,
        account=holder.account,
        status=DealStatus.REJECTED,
        reason=DealReason.CONFLICT,
        conflict_with=holder,
        protected_until=LATER,
        match_evidence=[{"account_id": holder.account_id, "verdict": "match", "same_domain": True}],
    )


def test_a_conflict_shows_the_other_partners_protection_only_as_the_explanation(client_for, partner_user, conflict):
    client = client_for(partner_user)
    html = _detail(client, conflict)
    shown = formatting.day(LATER, "en")
    assert f'data-testid="protected-until">{formatting.DASH}' in html
    assert f"protected until {shown}" in html  # the conflict explanation: the customer is protected
    assert shown not in client.get(reverse("deals:list")).content.decode()


def test_a_lost_deal_shows_no_protection(client_for, partner_user, partner):
    lost = DealFactory(partner=partner, status=DealStatus.LOST, protected_until=LATER)
    client = client_for(partner_user)
    assert formatting.day(LATER, "en") not in _detail(client, lost)
    assert formatting.day(LATER, "en") not in client.get(reverse("deals:list")).content.decode()


def test_an_approved_deal_shows_its_own_protection(client_for, partner_user, partner):
    until = timezone.localdate() + timedelta(days=30)
    deal = DealFactory(partner=partner, protected_until=until)
    client = client_for(partner_user)
    assert f'data-testid="protected-until">{formatting.day(until, "en")}' in _detail(client, deal)
    assert formatting.day(until, "en") in client.get(reverse("deals:list")).content.decode()
    assert deal.own_protection_until == until and deal.days_left == 30


def _rejected(partner, partner_user, manager):
    deal = services.register_deal(user=partner_user, **registration_kwargs())
    return services.reject_deal(deal=deal, actor=manager, reason="Not a real opportunity")


def test_outcome_sentences_are_written_for_their_reader(client_for, partner_user, managed, channel_manager):
    deal = _rejected(managed, partner_user, channel_manager)
    partner_html = _detail(client_for(partner_user), deal)
    assert "Your channel manager rejected this registration: Not a real opportunity" in partner_html
    manager_html = _detail(client_for(channel_manager), deal)
    assert "You rejected this registration: Not a real opportunity" in manager_html
    assert "Your channel manager" not in manager_html


def test_another_internal_reader_reads_who_rejected(partner_user, managed, channel_manager, program_admin):
    deal = _rejected(managed, partner_user, channel_manager)
    deal.refresh_from_db()
    assert services.outcome_message(deal, program_admin) == "Rejected by Carla Manager: Not a real opportunity"
    assert services.outcome_message(deal, partner_user).startswith("Your channel manager rejected")


def test_the_queue_offers_no_extension_decision_on_a_won_deal(client_for, channel_manager, managed):
    won = DealFactory(partner=managed, status=DealStatus.WON, extension_status=ExtensionStatus.REQUESTED)
    waiting = DealFactory(partner=managed, extension_status=ExtensionStatus.REQUESTED)
    html = client_for(channel_manager).get(reverse("deals:review")).content.decode()
    assert f"/deals/{waiting.pk}/extension-approve/" in html
    assert f"/deals/{won.pk}/extension-approve/" not in html
    assert "Approve extension" not in _detail(client_for(channel_manager), won)
    assert not won.extension_awaits_decision and waiting.extension_awaits_decision


def test_a_registration_is_never_its_own_match(client_for, partner_user, managed, channel_manager):
    DirectAccountFactory(name="Umbrella Corp", domain="umbrella.example")
    deal = services.register_deal(
        user=partner_user, **registration_kwargs(customer_name="Umbrella", customer_domain="umbrella.example")
    )
    assert deal.status == DealStatus.PENDING_REVIEW and deal.match_evidence
    client = client_for(channel_manager)
    own = f'href="/deals/{deal.pk}/">#{deal.pk}</a>'
    assert own not in _detail(client, deal)
    assert f">#{deal.pk}</a> " not in client.get(reverse("deals:review")).content.decode().split("Matched against")[1]


def test_an_action_says_which_deal_became_what(client_for, partner_user, managed, channel_manager):
    deal = services.register_deal(user=partner_user, **registration_kwargs())
    client = client_for(channel_manager)
    response = client.post(reverse("deals:action", args=[deal.pk, "approve"]), {"next": "/deals/review/"})
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [f"Initech Corporation (#{deal.pk}) is now Approved."]


def test_an_extension_decision_says_until_when(client_for, partner_user, managed, channel_manager):
    deal = DealFactory(partner=managed, extension_status=ExtensionStatus.REQUESTED)
    response = client_for(channel_manager).post(reverse("deals:action", args=[deal.pk, "extension-approve"]))
    deal.refresh_from_db()
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [
        f"Extension approved for {deal.customer_name} (#{deal.pk}): protected until "
        f"{formatting.day(deal.protected_until, 'en')}."
    ]
