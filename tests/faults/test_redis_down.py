"""Redis stopped: the portal still serves pages and takes deal registrations; their domain events wait in
the outbox (prm.events) and are dispatched, handlers once, when Redis is back and the sweeper runs."""

import json
import re
import time

import pytest
import requests

from tests.deals.factories import registration
from tests.faults.services import run_seed, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.timeout(180)]


def login(session: requests.Session, base: str, email: str, password: str) -> None:
    page = session.get(f"{base}/accounts/login/", timeout=15)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=15,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]


def test_redis_down_pages_and_registrations_work_and_events_are_dispatched_when_it_is_back(
    pg_cluster, fault_db, redis_server, make_env, start_gunicorn, start_worker
):
    env = make_env(redis_server)
    seeded = run_seed(env, "partner_user")
    web = start_gunicorn(env)
    base = web.base_url

    session = requests.Session()
    login(session, base, seeded["email"], seeded["password"])  # sessions live in the database

    redis_server.stop()  # Redis (broker, result backend and cache) is gone from here on

    assert session.get(f"{base}/healthz/", timeout=15).status_code == 200
    # Anonymous pages render too. (A new log-in is refused with 429 meanwhile: allauth's login rate limit
    # cannot take its cache lock without Redis and fails closed.)
    assert requests.get(f"{base}/accounts/login/", timeout=15).status_code == 200
    for path in ("/", "/deals/", "/deals/new/", "/notifications/"):
        response = session.get(f"{base}{path}", timeout=15)
        assert response.status_code == 200, (path, response.status_code, response.text[:2000])

    started = time.monotonic()
    response = requests.post(
        f"{base}/api/v1/deals/",
        json=registration(customer_name="Outage Industries", customer_domain="outage.example"),
        headers={"Authorization": f"Token {seeded['token']}"},
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.text[:2000]
    assert elapsed < 10, f"registering took {elapsed:.1f}s with Redis down"
    deal_id = response.json()["id"]

    def event_rows():
        return pg_cluster.execute(
            "SELECT id, dispatched_at IS NOT NULL FROM prm_domainevent WHERE name = 'deal.submitted' "
            "AND (payload->>'deal_id')::int = %s",
            [deal_id],
            dbname=fault_db,
        )

    [(event_id, dispatched)] = event_rows()
    assert not dispatched  # stays pending in the outbox: nothing could be queued
    assert pg_cluster.execute("SELECT count(*) FROM prm_notification", dbname=fault_db) == [(0,)]

    # Redis is back: a worker and the sweeper (beat runs it every minute) dispatch what was left pending.
    redis_server.start()
    start_worker(env)
    run_seed(env, "enqueue", "prm.tasks.dispatch_pending_events", "[]", json.dumps({"older_than_seconds": 0}))
    wait_for(lambda: event_rows()[0][1], timeout=60, what="the pending event to be dispatched")

    runs = pg_cluster.execute(
        "SELECT handler, count(*) FROM prm_eventhandlerrun WHERE event_id = %s GROUP BY handler",
        [event_id],
        dbname=fault_db,
    )
    assert runs and all(count == 1 for _, count in runs), runs
    notified = pg_cluster.execute(
        "SELECT user_id, count(*) FROM prm_notification WHERE event_id = %s GROUP BY user_id",
        [event_id],
        dbname=fault_db,
    )
    assert notified == [(seeded["manager_id"], 1)]

    # A second sweep (or a late duplicate message) changes nothing: handlers ran once.
    run_seed(env, "enqueue", "prm.tasks.dispatch_pending_events", "[]", json.dumps({"older_than_seconds": 0}))
    run_seed(env, "enqueue", "prm.tasks.dispatch_event", json.dumps([event_id]))
    time.sleep(3)
    assert pg_cluster.execute(
        "SELECT count(*) FROM prm_notification WHERE event_id = %s", [event_id], dbname=fault_db
    ) == [(1,)]
    assert web.alive()
