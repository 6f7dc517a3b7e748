"""Invitations: who may invite whom, the e-mailed link, accepting it once, and the audit trail."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role, User
from accounts.services import accept_invitation, invite_user
from prm.exceptions import DomainError
from prm.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Velvet-otter-2026"


def invite_url(partner):
    return reverse("partners:action", args=[partner.pk, "invite"])


def link_path(message) -> str:
    """The accept link's path, taken from the e-mail the way a person would click it."""
    match = re.search(r"https?://[^/\s]+(/accounts/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def invite(inviter, email="dave@acme.example", role=Role.PARTNER_USER, partner=None):
    return invite_user(inviter=inviter, email=email, role=role, partner=partner)


def accept_form(**overrides):
    data = {"first_name": "Dave", "last_name": "Lister", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- inviting from the partner page ---------------------------------------------------------------


def test_partner_admin_invites_a_colleague_who_gets_an_email_with_the_link(
    client_for, partner_admin, partner, django_capture_on_commit_callbacks
):
    client = client_for(partner_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invite_url(partner), {"email": "Dave@Acme.example", "role": "partner_user", "partner_function": "technical"}
        )
    assert response.status_code == 302
    assert response.url == reverse("partners:detail", args=[partner.pk])
    invitation = Invitation.objects.get()
    assert invitation.email == "dave@acme.example"
    assert invitation.role == Role.PARTNER_USER and invitation.partner == partner
    assert invitation.partner_function == "technical"
    assert invitation.invited_by == partner_admin and invitation.status == "pending"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dave@acme.example"]
    assert "Acme Cloud Partners" in message.body
    assert link_path(message).startswith("/accounts/invitations/")
    page = client.get(response.url)
    assert "Invitation sent to Dave@Acme.example." in messages_of(page)
    assert "dave@acme.example" in page.content.decode()  # listed under pending invitations


def test_a_mail_server_failure_does_not_lose_the_invitation_or_break_the_page(
    client_for, partner_admin, partner, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr("prm.notifications.send_mail", refuse)  # every e-mail goes through prm.notifications
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(partner_admin).post(
            invite_url(partner), {"email": "dave@acme.example", "role": "partner_user"}
        )
    assert response.status_code == 302
    assert Invitation.objects.get().status == "pending"


def test_invitation_token_is_stored_only_as_a_hash(partner_admin, partner):
    invitation, token = invite(partner_admin, partner=partner)
    assert token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_partner_admin_cannot_invite_into_another_partner(client_for, partner_admin, other_partner):
    response = client_for(partner_admin).post(
        invite_url(other_partner), {"email": "x@globex.example", "role": "partner_user"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", ["partner_user", "partner_admin"])
def test_partner_user_who_is_not_admin_gets_403_on_invite(client_for, partner_user, partner, role):
    response = client_for(partner_user).post(invite_url(partner), {"email": "x@acme.example", "role": role})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_finance_user_gets_403_on_invite(client_for, finance_user, partner):
    response = client_for(finance_user).post(invite_url(partner), {"email": "x@acme.example", "role": "partner_admin"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_partner_admin_may_invite_another_admin(client_for, partner_admin, partner):
    client_for(partner_admin).post(invite_url(partner), {"email": "erin@acme.example", "role": "partner_admin"})
    assert Invitation.objects.get().role == Role.PARTNER_ADMIN


def test_channel_manager_invites_a_partners_admin(
    client_for, channel_manager, other_partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(channel_manager).post(
            invite_url(other_partner), {"email": "boss@globex.example", "role": "partner_admin"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.role == Role.PARTNER_ADMIN and invitation.partner == other_partner
    assert mail.outbox[0].to == ["boss@globex.example"]


def test_an_internal_role_cannot_be_smuggled_into_a_partner_invitation(client_for, partner_admin, partner):
    response = client_for(partner_admin).post(
        invite_url(partner), {"email": "x@acme.example", "role": "program_admin"}, follow=True
    )
    assert response.status_code == 200
    assert any(m.startswith("role:") for m in messages_of(response))
    assert not Invitation.objects.exists()


def test_inviting_an_address_that_already_has_an_account_says_so_and_invites_nobody(
    client_for, partner_admin, partner, partner_user
):
    response = client_for(partner_admin).post(
        invite_url(partner), {"email": "BOB@acme.example", "role": "partner_user"}, follow=True
    )
    assert response.status_code == 200
    assert "Someone with this e-mail address already has an account." in messages_of(response)
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0


def test_inviting_an_invalid_address_shows_the_error(client_for, partner_admin, partner):
    response = client_for(partner_admin).post(
        invite_url(partner), {"email": "not-an-address", "role": "partner_user"}, follow=True
    )
    assert any(m.startswith("email:") for m in messages_of(response))
    assert not Invitation.objects.exists()


def test_a_new_invitation_replaces_the_pending_one_for_the_same_address(client, partner_admin, partner):
    first, first_token = invite(partner_admin, partner=partner)
    second, second_token = invite(partner_admin, email="DAVE@acme.example", partner=partner)
    first.refresh_from_db()
    assert first.status == "revoked" and second.status == "pending"
    assert client.get(reverse("accounts:accept_invitation", args=[first_token])).status_code == 410
    assert client.get(reverse("accounts:accept_invitation", args=[second_token])).status_code == 200


def test_another_partners_invitation_does_not_withdraw_ours(partner_admin, partner, other_partner_user, other_partner):
    ours, _ = invite(partner_admin, email="shared@example.net", partner=partner)
    invite(other_partner_user, email="shared@example.net", partner=other_partner)
    ours.refresh_from_db()
    assert ours.status == "pending"


# --- accepting ------------------------------------------------------------------------------------


def test_invited_colleague_sets_a_password_and_lands_home_logged_in(
    client, partner_admin, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(partner_admin, partner=partner)
    path = link_path(mail.outbox[0])

    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Acme Cloud Partners" in body and 'name="password1"' in body

    response = client.post(path, accept_form())
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(email="dave@acme.example")
    assert user.role == Role.PARTNER_USER and user.partner == partner
    assert (user.first_name, user.last_name) == ("Dave", "Lister")
    assert user.check_password(NEW_PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.filter(user=user, email="dave@acme.example", verified=True, primary=True).exists()
    invitation = Invitation.objects.get()
    assert invitation.status == "accepted" and invitation.accepted_user == user

    home = client.get(response.url)
    assert home.status_code == 200
    assert "Acme Cloud Partners" in home.content.decode()
    assert "Welcome! Your account is ready." in messages_of(home)


def test_the_new_user_can_log_in_later_with_email_and_password(client, partner_admin, partner):
    _, token = invite(partner_admin, partner=partner)
    client.post(reverse("accounts:accept_invitation", args=[token]), accept_form())
    client.logout()
    response = client.post(reverse("account_login"), {"login": "dave@acme.example", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")


def test_a_used_link_is_refused(client, partner_admin, partner):
    _, token = invite(partner_admin, partner=partner)
    url = reverse("accounts:accept_invitation", args=[token])
    client.post(url, accept_form())
    client.logout()

    page = client.get(url)
    assert page.status_code == 410
    assert "already been used" in page.content.decode()
    again = client.post(url, accept_form(first_name="Mallory"))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert User.objects.filter(email="dave@acme.example").count() == 1
    assert User.objects.get(email="dave@acme.example").first_name == "Dave"


def test_an_expired_link_is_refused_and_creates_nobody(client, partner_admin, partner):
    invitation, token = invite(partner_admin, partner=partner)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    url = reverse("accounts:accept_invitation", args=[token])

    page = client.get(url)
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert 'name="password1"' not in page.content.decode()
    response = client.post(url, accept_form())
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="dave@acme.example").exists()
    assert "_auth_user_id" not in client.session


def test_invitations_expire_after_the_configured_days(partner_admin, partner, settings):
    settings.INVITATION_EXPIRY_DAYS = 7
    invitation, _ = invite(partner_admin, partner=partner)
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)


def test_a_withdrawn_invitation_is_refused(client, client_for, partner_admin, partner):
    invitation, token = invite(partner_admin, partner=partner)
    admin_client = client_for(partner_admin)
    response = admin_client.post(
        reverse("partners:action", args=[partner.pk, "revoke-invitation"]), {"invitation": invitation.pk}, follow=True
    )
    assert "Invitation withdrawn." in messages_of(response)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert AuditEntry.objects.filter(action="revoked", object_id=invitation.pk, actor=partner_admin).exists()

    admin_client.logout()
    url = reverse("accounts:accept_invitation", args=[token])
    page = client.get(url)
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    assert client.post(url, accept_form()).status_code == 410
    assert not User.objects.filter(email="dave@acme.example").exists()


def test_partner_user_who_is_not_admin_cannot_withdraw_an_invitation(client_for, partner_admin, partner_user, partner):
    invitation, _ = invite(partner_admin, partner=partner)
    response = client_for(partner_user).post(
        reverse("partners:action", args=[partner.pk, "revoke-invitation"]), {"invitation": invitation.pk}
    )
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_another_partners_admin_cannot_withdraw_our_invitation(
    client_for, partner_admin, other_partner_user, partner, other_partner
):
    invitation, _ = invite(partner_admin, partner=partner)
    client = client_for(other_partner_user)
    assert (
        client.post(
            reverse("partners:action", args=[partner.pk, "revoke-invitation"]), {"invitation": invitation.pk}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("partners:action", args=[other_partner.pk, "revoke-invitation"]), {"invitation": invitation.pk}
        ).status_code
        == 404
    )
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_an_unknown_link_is_404(client):
    response = client.get(reverse("accounts:accept_invitation", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert (
        client.post(reverse("accounts:accept_invitation", args=["not-a-real-token"]), accept_form()).status_code == 404
    )


def test_a_weak_password_is_refused_beside_the_field_and_nothing_is_created(client, partner_admin, partner):
    invitation, token = invite(partner_admin, partner=partner)
    response = client.post(
        reverse("accounts:accept_invitation", args=[token]), accept_form(password1="12345678", password2="12345678")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["password1"]
    assert any("too short" in e for e in errors) and any("numeric" in e for e in errors)
    body = response.content.decode()
    assert 'id="id_password1"' in body and "is-invalid" in body and "too short" in body
    assert not User.objects.filter(email="dave@acme.example").exists()
    assert not EmailAddress.objects.filter(email="dave@acme.example").exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert "_auth_user_id" not in client.session


def test_a_password_like_the_persons_name_is_refused(client, partner_admin, partner):
    _, token = invite(partner_admin, email="dave.lister@acme.example", partner=partner)
    response = client.post(
        reverse("accounts:accept_invitation", args=[token]),
        accept_form(password1="dave.lister", password2="dave.lister"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="dave.lister@acme.example").exists()


def test_two_different_passwords_are_refused(client, partner_admin, partner):
    _, token = invite(partner_admin, partner=partner)
    response = client.post(
        reverse("accounts:accept_invitation", args=[token]), accept_form(password2="Something-else-99")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(email="dave@acme.example").exists()


def test_names_are_required(client, partner_admin, partner):
    _, token = invite(partner_admin, partner=partner)
    response = client.post(reverse("accounts:accept_invitation", args=[token]), accept_form(first_name=""))
    assert response.status_code == 400
    assert response.context["form"].errors["first_name"]


def test_an_account_created_meanwhile_for_the_address_blocks_the_invitation(client, partner_admin, partner):
    _, token = invite(partner_admin, partner=partner)
    UserFactory(partner=partner, email="dave@acme.example")
    response = client.post(reverse("accounts:accept_invitation", args=[token]), accept_form())
    assert response.status_code == 409
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email="dave@acme.example").count() == 1


def test_the_accept_service_refuses_a_used_token(partner_admin, partner):
    _, token = invite(partner_admin, partner=partner)
    accept_invitation(token=token, password=NEW_PASSWORD, first_name="Dave", last_name="Lister")
    with pytest.raises(DomainError) as error:
        accept_invitation(token=token, password=NEW_PASSWORD)
    assert error.value.code == "invitation_accepted"


# --- internal staff -------------------------------------------------------------------------------


def test_program_admin_invites_internal_staff(client_for, program_admin, django_capture_on_commit_callbacks):
    client = client_for(program_admin)
    assert client.get(reverse("accounts:staff")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:staff"), {"email": "new.finance@example.com", "role": "finance"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:staff")
    invitation = Invitation.objects.get()
    assert invitation.role == Role.FINANCE and invitation.partner is None
    assert invitation.invited_by == program_admin
    assert mail.outbox[0].to == ["new.finance@example.com"]
    page = client.get(response.url)
    assert "Invitation sent to new.finance@example.com." in messages_of(page)
    assert "new.finance@example.com" in page.content.decode()


def test_invited_staff_member_accepts_and_is_sent_to_set_up_mfa(client, program_admin, settings):
    settings.DEBUG = False
    _, token = invite(program_admin, email="new.finance@example.com", role=Role.FINANCE)
    response = client.post(reverse("accounts:accept_invitation", args=[token]), accept_form())
    assert response.status_code == 302
    user = User.objects.get(email="new.finance@example.com")
    assert user.role == Role.FINANCE and user.partner is None
    home = client.get(response.url)
    assert home.status_code == 302
    assert home.url.startswith(reverse("mfa_activate_totp"))


def test_staff_invitation_to_an_existing_address_shows_the_error_and_invites_nobody(
    client_for, program_admin, finance_user
):
    response = client_for(program_admin).post(
        reverse("accounts:staff"), {"email": "finance@example.com", "role": "channel_manager"}
    )
    assert response.status_code == 400
    assert "Someone with this e-mail address already has an account." in response.content.decode()
    assert not Invitation.objects.exists()


def test_staff_page_offers_only_internal_roles(client_for, program_admin):
    response = client_for(program_admin).post(
        reverse("accounts:staff"), {"email": "x@example.com", "role": "partner_admin"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["role"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role_fixture", ["channel_manager", "finance_user", "partner_admin", "partner_user"])
def test_only_program_admins_may_use_the_staff_page(request, client_for, role_fixture):
    client = client_for(request.getfixturevalue(role_fixture))
    assert client.get(reverse("accounts:staff")).status_code == 403
    response = client.post(reverse("accounts:staff"), {"email": "x@example.com", "role": "finance"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_channel_manager_cannot_invite_staff_through_the_service(channel_manager):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invite(channel_manager, email="x@example.com", role=Role.PROGRAM_ADMIN)


# --- audit ----------------------------------------------------------------------------------------


def test_inviting_and_accepting_are_audited(client, partner_admin, partner):
    invitation, token = invite(partner_admin, partner=partner)
    invited = AuditEntry.objects.get(action="invited")
    assert invited.actor == partner_admin and invited.object_id == invitation.pk
    assert invited.to_state == "pending" and invited.partner_id == partner.pk

    client.post(reverse("accounts:accept_invitation", args=[token]), accept_form())
    user = User.objects.get(email="dave@acme.example")
    accepted = AuditEntry.objects.get(action="accepted")
    assert accepted.actor == user and accepted.object_id == invitation.pk
    assert (accepted.from_state, accepted.to_state) == ("pending", "accepted")
    assert accepted.partner_id == partner.pk


def test_a_refused_acceptance_writes_no_audit_row(client, partner_admin, partner):
    invitation, token = invite(partner_admin, partner=partner)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client.post(reverse("accounts:accept_invitation", args=[token]), accept_form())
    assert not AuditEntry.objects.filter(action="accepted").exists()


def test_staff_invitations_are_audited_without_a_partner(program_admin):
    invite(program_admin, email="cm@example.com", role=Role.CHANNEL_MANAGER)
    entry = AuditEntry.objects.get(action="invited")
    assert entry.actor == program_admin and entry.partner_id is None
