"""Settings > Notification defaults: the program's e-mail default per category, for users without their own
preference (their own choice still wins)."""

import pytest
from django.urls import reverse

from prm import notifications
from prm.models import AuditEntry, NotificationCategory, NotificationDefault

pytestmark = pytest.mark.django_db

URL = "accounts:notification_defaults"


def test_turning_a_default_off_is_audited_and_stops_email_for_users_without_a_preference(
    client_for, program_admin, partner_user
):
    others = [c for c in NotificationCategory.values if c != NotificationCategory.DEALS]
    response = client_for(program_admin).post(reverse(URL), {"email": others})
    assert response.status_code == 302
    assert NotificationDefault.objects.get(category=NotificationCategory.DEALS).email is False
    assert AuditEntry.objects.filter(action="change_default", content_type__model="notificationdefault").count() == 1
    assert notifications.wants_email(partner_user, NotificationCategory.DEALS) is False
    assert notifications.wants_email(partner_user, NotificationCategory.MDF) is True
    assert notifications.email_preferences(partner_user)[NotificationCategory.DEALS] is False


def test_a_users_own_choice_wins_over_the_default(client_for, program_admin, partner_user):
    notifications.set_email_preferences(user=partner_user, emailed_categories=NotificationCategory.values)
    client_for(program_admin).post(reverse(URL), {"email": []})
    assert notifications.wants_email(partner_user, NotificationCategory.DEALS) is True


def test_a_notice_that_is_not_emailed_stays_off_whatever_the_default(partner_user):
    assert notifications.wants_email(partner_user, NotificationCategory.DEALS, default=False) is False


def test_an_unknown_category_is_a_field_error(client_for, program_admin):
    response = client_for(program_admin).post(reverse(URL), {"email": ["deals", "nonsense"]})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert not NotificationDefault.objects.exists()


@pytest.mark.parametrize("who", ["channel_manager", "finance_user", "partner_admin", "partner_user"])
def test_only_program_admins_change_the_defaults(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {"email": []}).status_code == 403
    assert not NotificationDefault.objects.exists()
