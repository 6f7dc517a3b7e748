"""seed_demo: the demo partner sees the vendor's SLA (docs/sla.md); a rerun adds nothing."""

import pytest

from accounts.models import User
from sla import selectors
from sla.models import SlaEscalation
from tests.demo.seeding import SEED_TIMEOUT

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]


def test_the_demo_partner_sees_the_vendors_sla(seeded, client):
    admin = User.objects.get(email="admin@example.com")
    acme_admin = User.objects.filter(partner__name="Acme Cloud Partners", role="partner_admin").order_by("pk").first()
    items = selectors.open_items(acme_admin)
    assert any(item.breached for item in items) and any(not item.breached for item in items)
    assert SlaEscalation.objects.filter(partner__name="Acme Cloud Partners").exists()
    assert selectors.open_items(admin, breached=True)
    client.force_login(acme_admin)
    body = client.get("/").content.decode()
    assert "Waiting on" in body and 'data-testid="sla-breached"' in body and "Overlook Hotels Group" in body

    assert seeded.again["sla"] == seeded.first["sla"]
