"""`make demo PORT=8101` passes SITE_URL to seed_demo and the server: every link the seeded portal writes (e-mail
bodies, certificate share links, receipts, did:web) points to the port actually served, and seeding prints a
summary, not the e-mails of the made-up history."""

import pytest
from django.core import mail

from enablement.models import Certificate
from prm.models import Notification
from receipts.models import Receipt
from receipts.signing import portal_did
from tests.demo.seeding import SEED_TIMEOUT, seed_demo

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]
SITE = "http://127.0.0.1:8101"


def test_seeding_with_a_site_url_links_to_that_port_and_prints_a_summary(settings):
    settings.DEBUG = True
    settings.SITE_URL = SITE
    mail.outbox = []
    output, errors = seed_demo(partners=4)

    bodies = [message.body for message in mail.outbox]
    assert bodies, "the seeded history sends notification e-mails (to the in-memory outbox)"
    assert any(f"{SITE}/" in body for body in bodies)
    assert not any("127.0.0.1:8000" in body for body in bodies)

    certificate = Certificate.objects.order_by("pk").first()
    assert certificate is not None and certificate.verify_url.startswith(f"{SITE}/")
    receipt = Receipt.objects.order_by("pk").first()
    assert receipt is not None and receipt.body["issuer"] == SITE
    assert portal_did() == "did:web:127.0.0.1%3A8101"

    assert f"Open {SITE} and log in with:" in output
    assert "Demo objects: " in output and "Subject:" not in output + errors
    assert "celery.app.trace" not in errors and "No hostname was supplied" not in errors


def test_the_no_banner_run_leaves_the_logins_to_make_demo(settings):
    settings.DEBUG = True
    output, _errors = seed_demo(partners=0, dispatch=False, no_banner=True)
    assert "log in with:" not in output
    assert "Demo objects: " in output


def test_historic_notifications_are_read_and_a_handful_stay_unread(channel_manager, partner_user):
    from demo.management.commands.seed_demo import UNREAD_KEPT, Command

    for n in range(30):
        Notification.objects.create(user=channel_manager, category="deals", title=f"Deal {n}")
    Notification.objects.create(user=partner_user, category="deals", title="Only one")
    assert Command()._read_history() == 30 - UNREAD_KEPT
    unread = Notification.objects.filter(user=channel_manager, read_at__isnull=True)
    assert sorted(unread.values_list("title", flat=True)) == [f"Deal {n}" for n in range(25, 30)]
    assert Notification.objects.get(user=partner_user).read_at is None
