"""Team management: roles and deactivation in a partner's team, through services and the profile page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_api_token
from partners.services import set_partner_user_active, set_partner_user_role
from prm.exceptions import TransitionNotAllowed
from prm.models import AuditEntry
from tests.accounts.conftest import verify_email
from tests.factories import PASSWORD, PartnerAdminFactory, UserFactory

pytestmark = pytest.mark.django_db

LAST_ADMIN = "Every partner needs at least one active admin: make someone else admin first."


def action_url(partner, action):
    return reverse("partners:action", args=[partner.pk, action])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def reloaded(user):
    user.refresh_from_db()
    return user


# --- services -------------------------------------------------------------------------------------


def test_the_last_active_admin_cannot_be_demoted(partner_admin):
    with pytest.raises(TransitionNotAllowed) as error:
        set_partner_user_role(actor=partner_admin, user=partner_admin, role=Role.PARTNER_USER)
    assert error.value.code == "last_admin" and error.value.status_code == 409
    assert reloaded(partner_admin).role == Role.PARTNER_ADMIN


def test_the_last_active_admin_cannot_be_deactivated_even_by_a_channel_manager(partner_admin, channel_manager):
    with pytest.raises(TransitionNotAllowed):
        set_partner_user_active(actor=channel_manager, user=partner_admin, active=False)
    assert reloaded(partner_admin).is_active


def test_an_inactive_admin_does_not_count_as_another_admin(partner_admin, partner):
    PartnerAdminFactory(partner=partner, is_active=False)
    with pytest.raises(TransitionNotAllowed):
        set_partner_user_role(actor=partner_admin, user=partner_admin, role=Role.PARTNER_USER)


def test_an_admin_of_another_partner_does_not_count(partner_admin, other_partner_user):
    with pytest.raises(TransitionNotAllowed):
        set_partner_user_active(actor=partner_admin, user=partner_admin, active=False)


def test_with_two_admins_one_can_be_demoted(partner_admin, partner):
    second = PartnerAdminFactory(partner=partner)
    user = set_partner_user_role(actor=partner_admin, user=second, role=Role.PARTNER_USER)
    assert user.role == Role.PARTNER_USER
    assert reloaded(second).role == Role.PARTNER_USER
    entry = AuditEntry.objects.get(action="role_changed")
    assert (entry.from_state, entry.to_state, entry.actor) == ("partner_admin", "partner_user", partner_admin)
    # and now the remaining one is the last admin again
    with pytest.raises(TransitionNotAllowed):
        set_partner_user_role(actor=partner_admin, user=partner_admin, role=Role.PARTNER_USER)


def test_an_admin_may_step_down_when_another_admin_remains(partner_admin, partner):
    PartnerAdminFactory(partner=partner)
    set_partner_user_role(actor=partner_admin, user=partner_admin, role=Role.PARTNER_USER)
    assert reloaded(partner_admin).role == Role.PARTNER_USER


def test_partner_admin_promotes_a_colleague(partner_admin, partner_user):
    set_partner_user_role(actor=partner_admin, user=partner_user, role=Role.PARTNER_ADMIN)
    assert reloaded(partner_user).role == Role.PARTNER_ADMIN


def test_a_partner_role_cannot_become_an_internal_one(partner_admin, partner_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        set_partner_user_role(actor=partner_admin, user=partner_user, role=Role.PROGRAM_ADMIN)
    assert reloaded(partner_user).role == Role.PARTNER_USER


def test_partner_user_who_is_not_admin_may_not_change_the_team(partner_user, partner_admin):
    with pytest.raises(PermissionDenied):
        set_partner_user_active(actor=partner_user, user=partner_admin, active=False)
    with pytest.raises(PermissionDenied):
        set_partner_user_role(actor=partner_user, user=partner_user, role=Role.PARTNER_ADMIN)
    assert reloaded(partner_user).role == Role.PARTNER_USER


def test_admin_of_another_partner_may_not_change_our_team(other_partner_user, partner_user):
    with pytest.raises(PermissionDenied):
        set_partner_user_active(actor=other_partner_user, user=partner_user, active=False)
    assert reloaded(partner_user).is_active


def test_deactivating_and_reactivating_are_audited(partner_admin, partner_user):
    set_partner_user_active(actor=partner_admin, user=partner_user, active=False)
    assert not reloaded(partner_user).is_active
    set_partner_user_active(actor=partner_admin, user=partner_user, active=True)
    assert reloaded(partner_user).is_active
    actions = list(
        AuditEntry.objects.filter(object_id=partner_user.pk, action__in=["deactivated", "reactivated"])
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == ["deactivated", "reactivated"]


def test_a_deactivated_user_cannot_log_in(client, partner_admin, partner_user):
    verify_email(partner_user)
    set_partner_user_active(actor=partner_admin, user=partner_user, active=False)
    client.post(reverse("account_login"), {"login": "bob@acme.example", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("partners:directory")).status_code == 302  # still sent to the login page


def test_a_deactivated_users_open_session_stops_working(client_for, partner_admin, partner_user):
    client = client_for(partner_user)
    assert client.get("/").templates[0].name == "portal/home_partner.html"
    set_partner_user_active(actor=partner_admin, user=partner_user, active=False)
    response = client.get(reverse("partners:detail", args=[partner_user.partner_id]))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_a_deactivated_users_tokens_stop_working(api_client, partner_admin, partner_user):
    _, secret = create_api_token(user=partner_user, name="CRM")
    set_partner_user_active(actor=partner_admin, user=partner_user, active=False)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api_client.get("/api/v1/me/").status_code == 401
    assert (
        api_client.post(
            "/api/v1/auth/token/", {"email": "bob@acme.example", "password": PASSWORD}, format="json"
        ).status_code
        == 400
    )


# --- the profile page -----------------------------------------------------------------------------


def test_demoting_the_last_admin_on_the_page_shows_why_and_changes_nothing(client_for, partner_admin, partner):
    client = client_for(partner_admin)
    response = client.post(
        action_url(partner, "member-role"), {"user": partner_admin.pk, "role": "partner_user"}, follow=True
    )
    assert response.status_code == 200
    assert LAST_ADMIN in messages_of(response)
    assert LAST_ADMIN in response.content.decode()
    assert reloaded(partner_admin).role == Role.PARTNER_ADMIN


def test_deactivating_the_last_admin_on_the_page_shows_why_and_changes_nothing(
    client_for, channel_manager, partner_admin, partner
):
    response = client_for(channel_manager).post(
        action_url(partner, "deactivate"), {"user": partner_admin.pk}, follow=True
    )
    assert response.status_code == 200
    assert LAST_ADMIN in messages_of(response)
    assert reloaded(partner_admin).is_active


def test_with_two_admins_one_is_made_user_on_the_page(client_for, partner_admin, partner):
    second = PartnerAdminFactory(partner=partner, first_name="Erin", last_name="Hale")
    response = client_for(partner_admin).post(
        action_url(partner, "member-role"), {"user": second.pk, "role": "partner_user"}, follow=True
    )
    assert response.status_code == 200
    assert "Erin Hale is now partner user." in messages_of(response)
    assert reloaded(second).role == Role.PARTNER_USER


def test_partner_admin_deactivates_and_reactivates_a_colleague_on_the_page(
    client_for, partner_admin, partner_user, partner
):
    client = client_for(partner_admin)
    response = client.post(action_url(partner, "deactivate"), {"user": partner_user.pk}, follow=True)
    assert f"{partner_user} can no longer log in." in messages_of(response)
    assert not reloaded(partner_user).is_active
    response = client.post(action_url(partner, "reactivate"), {"user": partner_user.pk}, follow=True)
    assert f"{partner_user} can log in again." in messages_of(response)
    assert reloaded(partner_user).is_active


@pytest.mark.parametrize("action", ["deactivate", "member-role", "reactivate"])
def test_partner_user_who_is_not_admin_gets_403_on_team_actions(
    client_for, partner_user, partner_admin, partner, action
):
    response = client_for(partner_user).post(
        action_url(partner, action), {"user": partner_admin.pk, "role": "partner_user"}
    )
    assert response.status_code == 403
    partner_admin.refresh_from_db()
    assert partner_admin.is_active and partner_admin.role == Role.PARTNER_ADMIN


def test_finance_user_gets_403_on_team_actions(client_for, finance_user, partner_user, partner):
    response = client_for(finance_user).post(action_url(partner, "deactivate"), {"user": partner_user.pk})
    assert response.status_code == 403
    assert reloaded(partner_user).is_active


def test_admin_of_another_partner_gets_404_on_our_team(
    client_for, other_partner_user, partner_user, partner, other_partner
):
    client = client_for(other_partner_user)
    assert client.post(action_url(partner, "deactivate"), {"user": partner_user.pk}).status_code == 404
    # nor can they reach our member through their own partner's URL
    assert client.post(action_url(other_partner, "deactivate"), {"user": partner_user.pk}).status_code == 404
    assert (
        client.post(
            action_url(other_partner, "member-role"), {"user": partner_user.pk, "role": "partner_admin"}
        ).status_code
        == 404
    )
    partner_user.refresh_from_db()
    assert partner_user.is_active and partner_user.role == Role.PARTNER_USER


@pytest.mark.parametrize("member", ["", "abc", "99999999999999999999999", "-1"])
def test_a_missing_or_odd_member_id_is_404(client_for, partner_admin, partner, member):
    response = client_for(partner_admin).post(action_url(partner, "deactivate"), {"user": member})
    assert response.status_code == 404


def test_an_unknown_action_is_refused(client_for, partner_admin, partner):
    assert client_for(partner_admin).post(action_url(partner, "explode")).status_code in (403, 404)


def test_team_actions_accept_only_post(client_for, partner_admin, partner):
    assert client_for(partner_admin).get(action_url(partner, "deactivate")).status_code == 405


def test_team_of_a_partner_lists_inactive_members_as_deactivated(client_for, partner_admin, partner):
    UserFactory(partner=partner, first_name="Gone", last_name="Person", is_active=False)
    body = client_for(partner_admin).get(reverse("partners:detail", args=[partner.pk])).content.decode()
    assert "Gone Person" in body and "Deactivated" in body
