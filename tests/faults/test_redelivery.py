"""The in-process half of the worker-killed rollup scenario (fast, every backend): a run left `running` by a
dead worker is resumed only by a redelivered message (acks_late), never by an ordinary duplicate."""

import pytest
from django.utils import timezone

from analytics import services, tasks
from analytics.models import KpiSnapshot, RollupKind, RollupRun, RollupStatus

pytestmark = pytest.mark.django_db


def left_running_by_a_dead_worker() -> RollupRun:
    run = services.start_run(kind=RollupKind.FULL)
    RollupRun.objects.filter(pk=run.pk).update(status=RollupStatus.RUNNING, started_at=timezone.now())
    return run


def redelivered(task, *args):
    task.push_request(delivery_info={"redelivered": True})
    try:
        return task.run(*args)
    finally:
        task.pop_request()


def test_a_redelivered_run_rollup_resumes_the_run_its_dead_worker_left_running(partner):
    run = left_running_by_a_dead_worker()
    assert tasks.run_rollup(run.pk) == 0  # an ordinary duplicate: claimed by someone else, left alone
    assert not KpiSnapshot.objects.exists()

    rows = redelivered(tasks.run_rollup, run.pk)
    run.refresh_from_db()
    assert rows == run.rows == KpiSnapshot.objects.count() > 0
    assert run.status == RollupStatus.DONE and not run.active
    assert redelivered(tasks.run_rollup, run.pk) == 0  # finished: even a redelivery does nothing


def test_a_redelivered_nightly_rollup_resumes_the_active_run(partner):
    run = left_running_by_a_dead_worker()
    assert tasks.nightly_rollup() == 0  # the slot is held
    assert redelivered(tasks.nightly_rollup) > 0
    run.refresh_from_db()
    assert run.status == RollupStatus.DONE and not run.active
    assert RollupRun.objects.count() == 1
