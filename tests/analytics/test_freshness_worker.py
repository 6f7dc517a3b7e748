"""Freshness with a real Celery worker against Redis and PostgreSQL, and no beat: a won deal is in the partner's
KPI snapshot within 30 seconds (docs/analytics.md: Freshness).

The worker runs in a thread of this process on a queue of its own (the fixtures of tests/prm/test_celery_worker.py).
"""

import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from analytics import services
from analytics.models import DirtyPartner, KpiSnapshot, RollupKind, RollupRun, RollupStatus
from deals import services as deal_services
from deals.models import DealStatus
from tests.analytics.kpi_fixture import deal
from tests.prm.test_celery_worker import default_tiers, live_worker, wait_for  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

FRESHNESS_SECONDS = 30


@pytest.mark.usefixtures("live_worker")
def test_a_won_deal_is_in_the_partners_kpis_within_30_seconds_without_beat(partner, other_partner, channel_manager):
    assert connection.vendor == "postgresql"
    today = timezone.localdate()
    period = today.strftime("%Y-%m")
    targets = [deal(partner, status=DealStatus.APPROVED, amount=f"{n}000", submitted=today) for n in (5, 7)]
    services.rebuild_kpis()
    assert not KpiSnapshot.objects.filter(partner=partner, period=period, sourced_bookings__gt=0).exists()

    started = time.monotonic()
    for target in targets:  # no surrounding transaction: each service call commits and queues its event
        deal_services.mark_won(deal=target, actor=channel_manager, amount=target.amount, close_date=today)

    def fresh():
        return KpiSnapshot.objects.filter(partner=partner, period=period, sourced_bookings=Decimal("12000.00")).exists()

    assert wait_for(fresh, timeout=FRESHNESS_SECONDS, interval=0.25), (
        f"not in the snapshot after {FRESHNESS_SECONDS} s: marks {list(DirtyPartner.objects.values())}, "
        f"runs {list(RollupRun.objects.values('kind', 'status', 'error'))}"
    )
    elapsed = time.monotonic() - started
    assert elapsed < FRESHNESS_SECONDS
    # One debounced incremental run took both events (nothing else runs rollups here: no beat); it records its
    # end just after the snapshots commit.
    incremental = RollupRun.objects.filter(kind=RollupKind.INCREMENTAL)
    assert wait_for(lambda: not incremental.exclude(status=RollupStatus.DONE).exists(), timeout=10)
    assert list(incremental.values_list("status", "partners")) == [(RollupStatus.DONE, 1)]
    assert not DirtyPartner.objects.exists()
    assert not KpiSnapshot.objects.filter(partner=other_partner, sourced_bookings__gt=0).exists()
