"""A partner admin's invite form tells nothing about who has an account elsewhere (docs/hardening.md)."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Role
from accounts.services import invite_user
from prm.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invite(client, partner, email):
    return client.post(
        reverse("partners:action", args=[partner.pk, "invite"]), {"email": email, "role": "partner_user"}, follow=True
    )


def visible_answer(response, email) -> tuple:
    messages = [str(m).replace(email, "<email>") for m in response.context["messages"]]
    return response.status_code, response.redirect_chain, messages


def test_an_address_with_an_account_at_another_partner_gets_the_same_answer_as_a_new_one(
    client_for, partner_admin, partner, other_partner, django_capture_on_commit_callbacks
):
    UserFactory(partner=other_partner, email="carol@globex.example")
    client = client_for(partner_admin)
    with django_capture_on_commit_callbacks(execute=True):
        taken = invite(client, partner, "carol@globex.example")
        new = invite(client, partner, "dave@acme.example")

    assert visible_answer(taken, "carol@globex.example") == visible_answer(new, "dave@acme.example")
    assert visible_answer(new, "dave@acme.example")[2] == ["Invitation sent to <email>."]
    # Both are listed as pending on the team page, with the same audit row.
    pending = Invitation.objects.filter(partner=partner)
    assert sorted(i.email for i in pending if i.status == "pending") == ["carol@globex.example", "dave@acme.example"]
    page = client.get(reverse("partners:detail", args=[partner.pk])).content.decode()
    assert "carol@globex.example" in page and "dave@acme.example" in page
    actions = {
        i.email: list(AuditEntry.objects.filter(object_id=i.pk).values_list("action", flat=True)) for i in pending
    }
    assert actions["carol@globex.example"] == actions["dave@acme.example"] == ["invited"]


def test_the_account_holder_gets_a_note_without_a_link_and_the_new_address_the_link(
    client_for, partner_admin, partner, other_partner, django_capture_on_commit_callbacks
):
    UserFactory(partner=other_partner, email="carol@globex.example", language="de")
    client = client_for(partner_admin)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, partner, "Carol@Globex.example")
    (note,) = mail.outbox
    assert note.to == ["carol@globex.example"]
    assert "/accounts/invitations/" not in note.body
    assert "/accounts/login/" in note.body
    assert "Acme Cloud Partners" in note.body


def test_nobody_can_accept_the_invitation_of_an_address_that_has_an_account(partner_admin, partner, other_partner):
    UserFactory(partner=other_partner, email="carol@globex.example")
    invitation, token = invite_user(
        inviter=partner_admin, email="carol@globex.example", role="partner_user", partner=partner
    )
    assert invitation.status == "pending"
    assert token is None  # never sent, never returned


def test_inviting_a_member_of_the_own_team_still_says_so(client_for, partner_admin, partner, partner_user):
    response = invite(client_for(partner_admin), partner, partner_user.email)
    assert "Someone with this e-mail address already has an account." in [str(m) for m in response.context["messages"]]
    assert not Invitation.objects.exists()


def test_internal_staff_are_told_plainly(client_for, channel_manager, partner, other_partner):
    """Program staff see every user anyway: a clear message leaks nothing to them."""
    partner.channel_manager = channel_manager
    partner.save(update_fields=["channel_manager"])
    UserFactory(partner=other_partner, email="carol@globex.example")
    response = invite(client_for(channel_manager), partner, "carol@globex.example")
    assert "Someone with this e-mail address already has an account." in [str(m) for m in response.context["messages"]]
    assert not Invitation.objects.exists()
    assert Role.CHANNEL_MANAGER == channel_manager.role
