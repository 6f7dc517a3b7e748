"""Settings > Users and roles: a program admin changes an internal user's role or switches the account off."""

import pytest
from django.urls import reverse

from accounts.models import Role
from prm.models import AuditEntry
from tests.factories import InternalUserFactory

pytestmark = pytest.mark.django_db


def test_role_change_and_switch_off_are_audited_and_take_effect(client_for, program_admin):
    member = InternalUserFactory(role=Role.CHANNEL_MANAGER)
    client = client_for(program_admin)
    response = client.post(reverse("accounts:staff_edit", args=[member.pk]), {"role": Role.FINANCE})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.FINANCE and member.is_active is False
    entry = AuditEntry.objects.get(action="change_staff", object_id=member.pk)
    assert entry.changes["role"] == [Role.CHANNEL_MANAGER, Role.FINANCE]
    assert b"staff-edit" in client.get(reverse("accounts:staff")).content


def test_invalid_role_and_self_demotion_get_field_messages(client_for, program_admin):
    member = InternalUserFactory()
    client = client_for(program_admin)
    bad = client.post(reverse("accounts:staff_edit", args=[member.pk]), {"role": Role.PARTNER_ADMIN, "active": "on"})
    assert bad.status_code == 400 and bad.context["form"].errors["role"]
    own = client.post(reverse("accounts:staff_edit", args=[program_admin.pk]), {"role": Role.FINANCE, "active": "on"})
    assert own.status_code == 400 and own.context["form"].errors["role"]
    program_admin.refresh_from_db()
    assert program_admin.role == Role.PROGRAM_ADMIN


def test_partner_users_are_not_staff(client_for, program_admin, partner_user):
    assert client_for(program_admin).get(reverse("accounts:staff_edit", args=[partner_user.pk])).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("channel_manager", 403), ("finance_user", 403), ("partner_admin", 404)])
def test_only_program_admins_change_roles(request, client_for, who, status):
    member = InternalUserFactory()
    client = client_for(request.getfixturevalue(who))
    data = {"role": Role.PROGRAM_ADMIN, "active": "on"}
    response = client.post(reverse("accounts:staff_edit", args=[member.pk]), data)
    assert response.status_code == status
    member.refresh_from_db()
    assert member.role == Role.CHANNEL_MANAGER
