"""Notifications are stored as a message key and parameters and read in the reader's language (docs/i18n.md)."""

import pytest
from django.urls import reverse
from django.utils import translation

from prm.events import record_event
from prm.models import Notification
from prm.notifications import create_notifications, email_notification

pytestmark = pytest.mark.django_db


def _notify(name, partner, payload):
    event = record_event(name, partner=partner, payload=payload)
    create_notifications(event)
    return event


def test_payout_notice_renders_money_per_reader_language(partner_admin, partner):
    _notify(
        "commission.payout.paid",
        partner,
        {"total": "1027500.00", "currency": "USD", "entries": 3, "payment_reference": "PAY-9"},
    )
    notification = Notification.objects.get(user=partner_admin)

    assert notification.message_key["title"]["msgid"] == "Commission payout paid: %(total)s"
    assert notification.render("en")[0] == "Commission payout paid: $1,027,500.00"
    assert notification.render("de")[0] == "Provisionsauszahlung erfolgt: 1.027.500,00\xa0$"
    assert notification.render("es")[1].startswith("3 ")
    assert "USD" not in notification.render("en")[0]


def test_lead_notice_shows_a_date_not_an_iso_timestamp(partner_admin, partner):
    _notify(
        "lead.assigned",
        partner,
        {"customer_name": "Initech", "accept_by": "2026-12-10T16:13:31.351513+00:00", "lead_id": 1},
    )
    notification = Notification.objects.get(user=partner_admin)

    for language in ("en", "es", "de"):
        title, body = notification.render(language)
        assert "2026-12-10" not in body and "T16:13" not in body
        assert "Initech" in title
    assert "Dec 10, 2026" in notification.render("en")[1]
    assert "10.12.2026" in notification.render("de")[1]


def test_the_page_shows_a_notification_in_the_readers_current_language(client_for, partner_admin, partner):
    partner_admin.language = "en"
    partner_admin.save(update_fields=["language"])
    _notify(
        "commission.payout.paid",
        partner,
        {"total": "19770", "currency": "EUR", "entries": 1, "payment_reference": "R1"},
    )
    client = client_for(partner_admin)
    client.cookies["django_language"] = "de"

    body = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Provisionsauszahlung erfolgt: 19.770,00\xa0€" in body
    assert "19770" not in body


def test_a_row_without_a_key_shows_its_stored_text(partner_admin):
    notification = Notification.objects.create(user=partner_admin, category="deals", title="Old text", body="B")

    assert notification.render("de") == ("Old text", "B")


def test_email_is_written_in_the_recipients_language(partner_admin, partner, mailoutbox):
    partner_admin.language = "es"
    partner_admin.save(update_fields=["language"])
    _notify(
        "commission.payout.paid", partner, {"total": "1500", "currency": "EUR", "entries": 2, "payment_reference": "R2"}
    )
    notification = Notification.objects.get(user=partner_admin)

    with translation.override("en"):
        assert email_notification(notification_id=notification.pk)

    assert mailoutbox[-1].subject.endswith("Pago de comisiones realizado: 1.500,00 €")
