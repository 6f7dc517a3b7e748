"""Setups are rebuilt when their items change (a registration event, the nightly task), never per request."""

import pytest
from django.core.cache import cache

from availability import setups
from availability.handlers import PENDING
from availability.models import PsiSetup
from availability.selectors import policy_in_force
from availability.tasks import rebuild_setups
from deals import services as deal_services
from tests.deals.factories import registration_kwargs

pytestmark = pytest.mark.django_db


def test_rebuilt_only_when_items_change(psi_policy, partner_user, django_capture_on_commit_callbacks):
    psi_policy(show_dates=False)
    before = {s.category: (s.fingerprint, s.built_at) for s in PsiSetup.objects.all()}
    assert rebuild_setups() == []  # nothing changed: nothing rebuilt
    cache.delete(PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.register_deal(user=partner_user, **registration_kwargs(customer_name="Fresh Rebuild Corp"))
    from prm.tasks import dispatch_pending_events  # noqa: PLC0415

    with django_capture_on_commit_callbacks(execute=True):
        dispatch_pending_events()
    protected = PsiSetup.objects.get(category="protected")
    assert protected.fingerprint != before["protected"][0] and protected.items == 2
    assert PsiSetup.objects.get(category="direct").built_at == before["direct"][1]
    assert setups.rebuild(policy=policy_in_force()) == []
