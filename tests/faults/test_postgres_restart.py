"""PostgreSQL restarted under load: gunicorn keeps running and serves again once the database is back,
without a restart of its own (CONN_HEALTH_CHECKS drops the dead persistent connections; config/settings.py).
Errors are allowed only while the database is down."""

import threading
import time
from datetime import date, timedelta

import pytest
import requests

from tests.faults.services import run_seed

pytestmark = [pytest.mark.faults, pytest.mark.timeout(180)]

GRACE = 2.0  # seconds after pg_ctl reports the server up in which a request may still fail


def test_postgres_restart_under_load_recovers_without_restarting_gunicorn(
    pg_cluster, fault_db, make_env, start_gunicorn
):
    env = make_env(None)  # no Redis here: only the database fails
    seeded = run_seed(env, "partner_user")
    web = start_gunicorn(env, threads=4)
    pid = web.pid
    token = {"Authorization": f"Token {seeded['token']}"}
    session = requests.Session()
    session.post(  # a registration to list
        f"{web.base_url}/api/v1/deals/",
        json={
            "customer_name": "Steady Load GmbH",
            "customer_domain": "steady-load.example",
            "customer_country": "DE",
            "contact_name": "Ada Admin",
            "contact_email": "ada@steady-load.example",
            "product": "Platform",
            "amount": "1000.00",
            "currency": "EUR",
            "expected_close_date": (date.today() + timedelta(days=90)).isoformat(),  # inside the input window
            "deal_type": "new_business",
        },
        headers=token,
        timeout=15,
    ).raise_for_status()

    results: list[tuple[float, float, int | str]] = []  # (start, end, status or error)
    stop = threading.Event()
    targets = [f"{web.base_url}/api/v1/deals/", f"{web.base_url}/healthz/"]

    def hammer(n: int) -> None:
        with requests.Session() as client:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    status = client.get(targets[n % 2], headers=token, timeout=20).status_code
                except requests.RequestException as error:
                    status = type(error).__name__
                results.append((started, time.monotonic(), status))
                time.sleep(0.02)

    threads = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        outage_start = time.monotonic()
        pg_cluster.restart()  # pg_ctl restart -m fast -w: connections are cut, the server comes back
        outage_end = time.monotonic()
        time.sleep(5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    before = [r for r in results if r[1] < outage_start]
    after = [r for r in results if r[0] > outage_end + GRACE]
    assert len(before) > 10 and all(status == 200 for *_, status in before), before[-5:]
    assert len(after) > 10, f"only {len(after)} requests after the restart"
    assert all(status == 200 for *_, status in after), [r for r in after if r[2] != 200][:5]
    # Failures, if any, happened only around the outage, and were error responses, not dropped connections.
    failures = [r for r in results if r[2] != 200]
    for started, ended, status in failures:
        assert ended >= outage_start and started <= outage_end + GRACE, (started, ended, status)
        assert status in (500, 503), status
    # The same gunicorn served throughout.
    assert web.alive() and web.pid == pid
    print(
        f"{len(results)} requests, {len(failures)} failed during a {outage_end - outage_start:.1f}s restart; "
        f"{len(after)} after it, all 200"
    )
