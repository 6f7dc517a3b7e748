"""Dispute decisions are tracked like the vendor's other decisions, against the dispute's own due moment."""

import pytest
from django.utils import timezone

from deals.models import DealReason, DealStatus
from sla import clock, selectors, services
from sla.models import SlaEscalation
from sla.registry import KINDS
from tests.deals.factories import DealFactory
from tests.sla.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute_model():
    return KINDS["dispute"].model()


def test_an_open_dispute_waits_on_its_own_due_moment(dispute_model, partner, partner_admin, other_partner_user):
    deal = DealFactory(partner=partner, status=DealStatus.REJECTED, reason=DealReason.CONFLICT, protected_until=None)
    opened = at(2026, 11, 2)
    dispute = dispute_model.objects.create(
        deal=deal,
        partner=partner,
        opened_by=partner_admin,
        reason="We were first",
        opened_at=opened,
        due_at=clock.due_at(opened, 5),
    )
    (item,) = selectors.open_items(partner_admin, kind="dispute", now=at(2026, 11, 6))
    assert (item.object_id, item.sla_days, item.waited_days, item.breached) == (dispute.pk, 5, 4, False)
    assert selectors.open_items(other_partner_user, kind="dispute") == []
    assert services.escalate_breaches(now=at(2026, 11, 10)) == 1
    dispute_model.objects.filter(pk=dispute.pk).update(status="upheld", decided_at=timezone.now())
    services.resolve_escalations()
    assert SlaEscalation.objects.get(kind="dispute").resolved_at is not None
