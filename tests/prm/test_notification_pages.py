"""The notification centre: personal list, filters, CSV, marking read, badge and e-mail settings."""

import pytest
from django.urls import reverse
from django.utils import timezone

from prm.models import Notification, NotificationCategory, NotificationPreference
from prm.notifications import email_preferences

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(partner_admin, other_partner_user):
    """Two unread and one read notification for Alice; one for Carol of another partner."""
    return {
        "unread": Notification.objects.create(
            user=partner_admin,
            category=NotificationCategory.PARTNERS,
            title="Your organisation was promoted to Platinum",
            url="/partners/1/",
        ),
        "unread_deal": Notification.objects.create(
            user=partner_admin, category=NotificationCategory.DEALS, title="Deal Initech approved"
        ),
        "read": Notification.objects.create(
            user=partner_admin,
            category=NotificationCategory.ACCOUNT,
            title="Bob accepted your invitation",
            read_at=timezone.now(),
        ),
        "foreign": Notification.objects.create(
            user=other_partner_user,
            category=NotificationCategory.MDF,
            title="Globex MDF claim paid",
            url="/mdf/secret/",
        ),
    }


def test_notification_centre_lists_only_the_users_own_notifications(client_for, partner_admin, inbox):
    response = client_for(partner_admin).get(reverse("notifications"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Your organisation was promoted to Platinum" in body
    assert "Deal Initech approved" in body and "Bob accepted your invitation" in body
    assert "Globex MDF claim paid" not in body


def test_internal_users_also_see_only_their_own_notifications(client_for, program_admin, inbox):
    Notification.objects.create(user=program_admin, category="partners", title="Weekly program digest")

    body = client_for(program_admin).get(reverse("notifications")).content.decode()

    assert "Weekly program digest" in body
    assert "Globex MDF claim paid" not in body and "Deal Initech approved" not in body


def test_unread_filter_hides_read_notifications(client_for, partner_admin, inbox):
    body = client_for(partner_admin).get(reverse("notifications"), {"state": "unread"}).content.decode()

    assert "Your organisation was promoted to Platinum" in body and "Deal Initech approved" in body
    assert "Bob accepted your invitation" not in body


def test_read_and_category_filters(client_for, partner_admin, inbox):
    client = client_for(partner_admin)
    body = client.get(reverse("notifications"), {"state": "read"}).content.decode()
    assert "Bob accepted your invitation" in body and "Deal Initech approved" not in body

    body = client.get(reverse("notifications"), {"category": "deals"}).content.decode()
    assert "Deal Initech approved" in body and "promoted to Platinum" not in body


def test_notifications_export_as_csv_with_only_the_users_rows(client_for, partner_admin, inbox):
    response = client_for(partner_admin).get(reverse("notifications"), {"export": "csv", "state": "unread"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = b"".join(response.streaming_content).decode().strip().splitlines()
    assert rows[0] == "Time,Category,Title,Details,Read at"
    assert len(rows) == 3
    text = "\n".join(rows)
    assert "Deal Initech approved" in text and "Your organisation was promoted to Platinum" in text
    assert "Globex" not in text and "Bob accepted" not in text


def test_marking_a_notification_read_goes_to_its_link(client_for, partner_admin, inbox):
    response = client_for(partner_admin).post(reverse("notification_read", args=[inbox["unread"].pk]))

    assert response.status_code == 302 and response.url == "/partners/1/"
    inbox["unread"].refresh_from_db()
    assert inbox["unread"].read_at is not None
    inbox["unread_deal"].refresh_from_db()
    assert inbox["unread_deal"].read_at is None


def test_marking_read_from_htmx_answers_no_content_and_refreshes_the_badge(client_for, partner_admin, inbox):
    response = client_for(partner_admin).post(
        reverse("notification_read", args=[inbox["unread_deal"].pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 204
    assert response["HX-Trigger"] == "notifications-changed"
    inbox["unread_deal"].refresh_from_db()
    assert inbox["unread_deal"].read_at is not None


def test_marking_another_users_notification_read_changes_nothing_and_leaks_nothing(client_for, partner_admin, inbox):
    foreign = inbox["foreign"]

    response = client_for(partner_admin).post(reverse("notification_read", args=[foreign.pk]))

    assert response.status_code == 302
    assert response.url == reverse("notifications"), "never the other user's link"
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_marking_read_needs_a_post(client_for, partner_admin, inbox):
    response = client_for(partner_admin).get(reverse("notification_read", args=[inbox["unread"].pk]))
    assert response.status_code == 405
    inbox["unread"].refresh_from_db()
    assert inbox["unread"].read_at is None


def test_read_all_marks_only_the_users_own_notifications(client_for, partner_admin, inbox):
    response = client_for(partner_admin).post(reverse("notifications_read_all"), follow=True)

    assert response.status_code == 200
    assert "Marked 2 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(user=partner_admin, read_at__isnull=True).exists()
    inbox["foreign"].refresh_from_db()
    assert inbox["foreign"].read_at is None


def test_badge_shows_the_unread_count(client_for, partner_admin, inbox):
    client = client_for(partner_admin)
    response = client.get(reverse("notification_badge"))
    assert response.status_code == 200
    assert 'data-testid="unread-count"><span aria-hidden="true">2<' in response.content.decode()

    client.post(reverse("notifications_read_all"))
    assert "unread-count" not in client.get(reverse("notification_badge")).content.decode()


def test_badge_is_empty_for_anonymous_visitors(client):
    response = client.get(reverse("notification_badge"))
    assert response.status_code == 200 and response.content == b""


def test_settings_page_shows_every_category_switched_on_by_default(client_for, partner_user):
    response = client_for(partner_user).get(reverse("notification_settings"))

    assert response.status_code == 200
    body = response.content.decode()
    for value, label in NotificationCategory.choices:
        assert f'id="email-{value}" checked' in body
        assert str(label) in body  # labels are lazy translations


def test_saving_settings_keeps_email_only_for_the_chosen_categories(client_for, partner_user):
    client = client_for(partner_user)
    response = client.post(reverse("notification_settings"), {"email": ["deals", "mdf", "not-a-category"]})

    assert response.status_code == 302 and response.url == reverse("notification_settings")
    preferences = email_preferences(partner_user)
    assert preferences["deals"] is True and preferences["mdf"] is True
    assert preferences["partners"] is False and preferences["account"] is False
    assert not NotificationPreference.objects.filter(category="not-a-category").exists()
    body = client.get(reverse("notification_settings")).content.decode()
    assert 'id="email-deals" checked' in body and 'id="email-partners" checked' not in body


@pytest.mark.parametrize("name", ["notifications", "notification_settings"])
def test_anonymous_visitors_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_anonymous_visitors_cannot_mark_anything_read(client, inbox):
    for url in (reverse("notification_read", args=[inbox["foreign"].pk]), reverse("notifications_read_all")):
        response = client.post(url)  # refused: sent to log in
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    inbox["foreign"].refresh_from_db()
    assert inbox["foreign"].read_at is None
