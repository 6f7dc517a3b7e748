"""E-mail subjects quote what people typed; a line break in it must not stop the e-mail (docs/hardening.md)."""

import logging

import pytest
from django.core import mail

from prm.models import Notification, NotificationCategory
from prm.notifications import email_notification, one_line, send_email

pytestmark = pytest.mark.django_db

EVIL_NAME = "Initech\r\nBcc: victim@example.com\nX-Spam: yes\u2028end"


def test_a_customer_name_with_line_breaks_still_makes_a_one_line_subject(partner_admin):
    notification = Notification.objects.create(
        user=partner_admin, category=NotificationCategory.DEALS, title=f"Deal approved: {EVIL_NAME}"
    )
    assert email_notification(notification_id=notification.pk) is True
    (message,) = mail.outbox
    assert message.subject.endswith("Deal approved: Initech Bcc: victim@example.com X-Spam: yes end")
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.bcc == [] and message.to == [partner_admin.email]
    assert "X-Spam" not in message.message().keys()
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_every_sender_goes_through_the_one_place(partner_admin):
    send_email(subject="Invitation for\r\nAcme", body="Hello", to=[partner_admin.email])
    assert mail.outbox[0].subject == "Invitation for Acme"


def test_one_line_collapses_every_kind_of_line_break():
    assert one_line("a\rb\nc\r\nd\x0be\x0cf\x1cg\x85h\u2028i\u2029j   k") == "a b c d e f g h i j k"


def test_a_failure_is_logged_not_silent(monkeypatch, caplog, partner_admin):
    def smtp_down(**kwargs):
        raise ConnectionRefusedError("SMTP server is down")

    monkeypatch.setattr("prm.notifications.send_mail", smtp_down)
    with caplog.at_level(logging.ERROR, logger="prm.notifications"), pytest.raises(ConnectionRefusedError):
        send_email(subject="Deal approved: Initech", body="", to=[partner_admin.email])
    (record,) = [r for r in caplog.records if r.name == "prm.notifications"]
    assert "Deal approved: Initech" in record.getMessage()
    assert record.exc_info is not None
