"""seed_demo: the demo partner sees the vendor's SLA (done-when of issue 12, item 4); a rerun adds nothing."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from sla import selectors
from sla.models import SlaEscalation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def _call():
    call_command(
        "seed_demo", partners=12, password="Demo-pass-12345", seed=7, stdout=io.StringIO(), stderr=io.StringIO()
    )


def test_the_demo_partner_sees_the_vendors_sla(django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        _call()
    admin = User.objects.get(email="admin@example.com")
    acme_admin = User.objects.filter(partner__name="Acme Cloud Partners", role="partner_admin").order_by("pk").first()
    items = selectors.open_items(acme_admin)
    assert any(item.breached for item in items) and any(not item.breached for item in items)
    assert SlaEscalation.objects.filter(partner__name="Acme Cloud Partners").exists()
    assert selectors.open_items(admin, breached=True)
    client.force_login(acme_admin)
    body = client.get("/").content.decode()
    assert "Waiting on" in body and 'data-testid="sla-breached"' in body and "Overlook Hotels Group" in body

    counts = (SlaEscalation.objects.count(), len(selectors.open_items(admin)))
    with django_capture_on_commit_callbacks(execute=True):
        _call()
    assert (SlaEscalation.objects.count(), len(selectors.open_items(admin))) == counts
