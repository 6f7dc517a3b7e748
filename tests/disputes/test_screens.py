"""The dispute side-by-side view and the deal page's dispute panel: a registration's own protection only while
it holds one; the holder's protection only in the conflict sentence; a missing dispute button says why."""

import pytest
from django.urls import reverse

from deals.models import DealStatus
from prm import formatting

pytestmark = pytest.mark.django_db


def test_the_side_by_side_view_shows_no_protection_on_the_rejected_registration(
    client_for, channel_manager, dispute, rejected, holder
):
    assert rejected.protected_until == holder.protected_until  # stored: the holder's, not its own
    body = client_for(channel_manager).get(dispute.get_absolute_url()).content.decode()
    disputed_card = body.split('data-testid="disputed-registration"')[1].split('data-testid="holder-registration"')[0]
    holder_card = body.split('data-testid="holder-registration"')[1]
    assert formatting.day(holder.protected_until, "en") not in disputed_card
    assert formatting.day(holder.protected_until, "en") in holder_card


def test_a_lost_holder_shows_no_protection_on_the_managers_panel(client_for, channel_manager, rejected, holder):
    holder.status = DealStatus.LOST
    holder.save()
    body = client_for(channel_manager).get(reverse("deals:detail", args=[rejected.pk])).content.decode()
    panel = body.split('data-testid="conflicting-registration"')[1].split("</p>")[0]
    assert "protected until" not in panel


def test_the_partner_reads_the_customers_protection_in_the_explanation(client_for, partner_admin, rejected, holder):
    body = client_for(partner_admin).get(reverse("deals:detail", args=[rejected.pk])).content.decode()
    shown = formatting.day(holder.protected_until, "en")
    assert f"An account with a matching domain is protected until {shown}." in body
    assert f'data-testid="protected-until">{formatting.DASH}' in body


def test_a_user_who_may_not_dispute_reads_why_and_whom_to_ask(client_for, partner_user, partner_admin, rejected):
    partner_admin.first_name, partner_admin.last_name = "Alice", "Admin"
    partner_admin.save()
    body = client_for(partner_user).get(reverse("deals:detail", args=[rejected.pk])).content.decode()
    assert 'data-testid="dispute-button"' not in body
    note = body.split('data-testid="refusal-note"')[1].split("</p>")[0]
    assert "Only your organisation&#x27;s admin or the person who registered the deal may dispute it." in note
    assert "Ask your partner admin, Alice Admin." in note
    assert "program admin" not in note
