"""A real Celery worker against Redis: tasks travel through the broker, and committed events get dispatched.

The worker runs in a thread of this process (celery.contrib.testing.worker) on a queue of its own, so a
development worker listening on the usual "prm" queue cannot steal these messages. The tests are
transactional (the worker's thread must see committed rows); as the flush after each transactional test also
removes the tiers a data migration seeded, the tests seed them again first.
"""

import importlib
import os
import time
from uuid import uuid4

import pytest
from celery.contrib.testing.worker import start_worker
from django.apps import apps
from django.core import mail

from config.celery import app
from partners.services import change_partner_tier
from prm.models import DomainEvent, Notification
from prm.tasks import ping
from tests.factories import tier

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

OVERRIDDEN = ("task_always_eager", "task_default_queue", "worker_hijack_root_logger", "worker_enable_remote_control")


@pytest.fixture(autouse=True)
def default_tiers(transactional_db):
    """The tiers of the data migration: gone if an earlier transactional test flushed the database."""
    importlib.import_module("partners.migrations.0002_default_tiers").seed_tiers(apps, None)


@pytest.fixture
def live_worker(monkeypatch):
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")  # the test run has already loaded and checked Django
    queue = f"prm-test-{os.getpid()}-{uuid4().hex[:8]}"
    saved = {key: app.conf[key] for key in OVERRIDDEN}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue  # routes .delay() of every portal task to this queue
    app.conf.worker_hijack_root_logger = False  # leave pytest's log capture alone
    app.conf.worker_enable_remote_control = False  # no pidbox queue: nothing else talks to this worker
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20, loglevel="WARNING"
        ) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        remove_queue(queue)


def remove_queue(name):
    """Delete the test queue and its binding from Redis, and forget it in the app."""
    try:
        with app.connection_for_write() as connection:
            bound = app.amqp.queues[name].bind(connection.default_channel)
            bound.declare()  # the channel learns the binding, so delete() removes it too
            bound.delete()
    finally:
        app.amqp.queues.deselect(name)
        app.amqp.queues.pop(name, None)


def wait_for(condition, timeout=10.0, interval=0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def test_real_worker_answers_ping_through_redis(live_worker):
    result = ping.delay()
    assert result.get(timeout=10) == "pong"
    result.forget()


def test_real_worker_dispatches_a_committed_tier_change(live_worker, partner, partner_admin, channel_manager):
    partner.channel_manager = channel_manager
    partner.save(update_fields=["channel_manager"])

    # No surrounding transaction here: the service's own transaction commits and queues the dispatch.
    change_partner_tier(actor=channel_manager, partner=partner, tier=tier("Platinum"), reason="Strong year")

    event = DomainEvent.objects.get(name="partner.tier_changed")
    assert wait_for(lambda: DomainEvent.objects.filter(pk=event.pk, dispatched_at__isnull=False).exists()), (
        f"the worker did not dispatch the event: {DomainEvent.objects.values('attempts', 'last_error').get()}"
    )
    assert set(Notification.objects.filter(event=event).values_list("user", flat=True)) == {
        partner_admin.pk,
        channel_manager.pk,
    }
    assert wait_for(lambda: len(mail.outbox) == 2), "the e-mails are sent by their own tasks on the worker"
    assert sorted(message.to[0] for message in mail.outbox) == sorted([partner_admin.email, channel_manager.email])
