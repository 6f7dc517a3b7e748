"""A Celery worker SIGKILLed in the middle of a task, then restarted: the result is that of a clean run.

Tasks are acknowledged late (config/celery.py, settings: acks_late + reject_on_worker_lost), so the message of
a killed worker goes back to the queue once the broker's visibility timeout passes (shortened here with
CELERY_VISIBILITY_TIMEOUT) and the restarted worker runs it again; the tasks are idempotent.
"""

import hashlib
import hmac
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.faults.services import free_port, run_seed, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.timeout(180)]

VISIBILITY = 6  # seconds before an unacknowledged message of a dead worker is redelivered
# kombu looks for such messages every interval x throttle seconds (default 10 x 10): every 2 s here.
TRANSPORT = {"visibility_timeout": VISIBILITY, "unacked_restore_interval": 2, "unacked_restore_throttle": 1}


def worker_env(make_env, redis_server, **extra):
    return make_env(redis_server, CELERY_BROKER_TRANSPORT_OPTIONS=json.dumps(TRANSPORT), **extra)


def sql(pg_cluster, db, query, params=None):
    return pg_cluster.execute(query, params, dbname=db)


# --- payout batch -------------------------------------------------------------------------------------


def test_worker_killed_mid_payout_pays_every_entry_exactly_once(
    pg_cluster, fault_db, redis_server, make_env, start_worker
):
    env = worker_env(
        make_env,
        redis_server,
        COMMISSION_PAYOUT_BACKEND="tests.faults.payout_backend.SlowCsvPayoutBackend",
        COMMISSION_PAYOUT_CHUNK="4",
        FAULTS_PAY_SECONDS_PER_CHUNK="0.6",
    )
    seeded = run_seed(env, "payout_batch", 40)  # 10 chunks of 4, ~6 s
    batch_id, entry_ids = seeded["batch_id"], seeded["entry_ids"]

    def paid_count():
        return sql(pg_cluster, fault_db, "SELECT count(*) FROM commissions_commissionentry "
                   "WHERE batch_id = %s AND status = 'paid'", [batch_id])[0][0]  # fmt: skip

    worker = start_worker(env)
    run_seed(env, "enqueue", "commissions.tasks.pay_payout_batch", json.dumps([batch_id]))
    wait_for(lambda: paid_count() >= 8, timeout=30, what="the first chunks to be paid")
    worker.kill()

    # Killed mid-batch: some chunks paid (committed), the rest still batched, the batch still paying.
    partly = paid_count()
    assert 8 <= partly < 40
    assert sql(pg_cluster, fault_db, "SELECT status FROM commissions_payoutbatch WHERE id = %s", [batch_id]) == [
        ("paying",)
    ]

    worker.start()
    wait_for(
        lambda: (
            sql(pg_cluster, fault_db, "SELECT status FROM commissions_payoutbatch WHERE id = %s", [batch_id])
            == [("paid",)]
        ),
        timeout=60,
        what="the redelivered payout to finish the batch",
    )

    rows = sql(
        pg_cluster,
        fault_db,
        "SELECT id, status, paid_at IS NOT NULL FROM commissions_commissionentry WHERE batch_id = %s ORDER BY id",
        [batch_id],
    )
    assert rows == [(pk, "paid", True) for pk in entry_ids]
    # Each entry went batched -> paid exactly once (the audit row commits with the claim).
    paid_audits = sql(
        pg_cluster,
        fault_db,
        "SELECT a.object_id, count(*) FROM prm_auditentry a JOIN django_content_type ct ON ct.id = a.content_type_id "
        "WHERE ct.app_label = 'commissions' AND ct.model = 'commissionentry' AND a.to_state = 'paid' "
        "GROUP BY a.object_id ORDER BY a.object_id",
    )
    assert paid_audits == [(pk, 1) for pk in entry_ids]
    reference, payout_file, total = sql(
        pg_cluster,
        fault_db,
        "SELECT payment_reference, payout_file, total FROM commissions_payoutbatch WHERE id = %s",
        [batch_id],
    )[0]
    assert reference == f"AP-{batch_id:08d}"
    lines = payout_file.strip().splitlines()[1:]
    assert sorted(int(line.split(",")[3]) for line in lines) == entry_ids  # every entry once in the AP file
    assert str(total) == seeded["total"]
    assert sql(pg_cluster, fault_db, "SELECT count(*) FROM prm_domainevent WHERE name = 'commission.payout.paid'") == [
        (1,)
    ]


# --- KPI rollup ---------------------------------------------------------------------------------------

SNAPSHOT_IGNORED = {"id", "computed_at"}


def snapshots(pg_cluster, db):
    conn = pg_cluster.connect(db)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT * FROM analytics_kpisnapshot")
            names = [c.name for c in cursor.description]
            keep = [i for i, name in enumerate(names) if name not in SNAPSHOT_IGNORED]
            return sorted(tuple(str(row[i]) for i in keep) for row in cursor.fetchall())
    finally:
        conn.close()


def test_worker_killed_mid_rollup_leaves_the_snapshots_of_a_clean_rebuild(
    pg_cluster, fault_db, redis_server, make_env, start_worker
):
    from analytics.services import WRITE_LOCK

    env = worker_env(make_env, redis_server)
    run_id = run_seed(env, "kpi_data")["run_id"]
    assert snapshots(pg_cluster, fault_db) == []

    # Hold the snapshot writers' advisory lock, so the rollup is caught inside its rebuild transaction.
    blocker = pg_cluster.connect(fault_db)
    with blocker.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [WRITE_LOCK])
    worker = start_worker(env)
    try:
        run_seed(env, "enqueue", "analytics.tasks.run_rollup", json.dumps([run_id]))
        wait_for(
            lambda: (
                sql(
                    pg_cluster,
                    fault_db,
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                )[0][0]
                == 1
            ),
            timeout=30,
            what="the rollup to wait inside its rebuild",
        )
        assert sql(pg_cluster, fault_db, "SELECT status FROM analytics_rolluprun WHERE id = %s", [run_id]) == [
            ("running",)
        ]
        worker.kill()
    finally:
        blocker.close()

    worker.start()
    wait_for(
        lambda: (
            sql(pg_cluster, fault_db, "SELECT status FROM analytics_rolluprun WHERE id = %s", [run_id]) == [("done",)]
        ),
        timeout=60,
        what="the redelivered rollup to finish the run",
    )
    after_recovery = snapshots(pg_cluster, fault_db)
    assert after_recovery, "the recovered rollup wrote no snapshots"
    worker.stop()

    run_seed(env, "rebuild_kpis")  # a clean, uninterrupted full rebuild of the same data
    assert snapshots(pg_cluster, fault_db) == after_recovery
    # The run slot was released: a new rollup can be queued.
    assert sql(pg_cluster, fault_db, "SELECT count(*) FROM analytics_rolluprun WHERE active") == [(0,)]


# --- webhook delivery ---------------------------------------------------------------------------------


class Receiver:
    """A local webhook receiver: holds the first request (the worker is killed meanwhile), answers later ones."""

    def __init__(self, hold_first: float):
        self.requests: list[dict] = []
        self.hold_first = hold_first
        self.first_arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                if len(receiver.requests) == 1:
                    receiver.first_arrived.set()
                    time.sleep(receiver.hold_first)
                try:
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender died while we held the request

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_worker_killed_mid_webhook_delivery_is_delivered_and_logged_once(
    pg_cluster, fault_db, redis_server, make_env, start_worker
):
    receiver = Receiver(hold_first=20)
    try:
        env = worker_env(make_env, redis_server, WEBHOOK_TIMEOUT_SECONDS="15")
        seeded = run_seed(env, "webhook", receiver.url)
        delivery_id = seeded["delivery_id"]
        worker = start_worker(env)
        run_seed(env, "enqueue", "integrations.tasks.deliver", json.dumps([delivery_id]))
        assert receiver.first_arrived.wait(30), "the worker never sent the webhook"
        worker.kill()  # mid-request: no response read, nothing recorded

        status, attempt, lease = sql(
            pg_cluster,
            fault_db,
            "SELECT status, attempt, next_attempt_at > now() FROM integrations_webhookdelivery WHERE id = %s",
            [delivery_id],
        )[0]
        assert (status, attempt, lease) == ("pending", 1, True)  # leased by the dead worker, not logged as sent

        worker.start()
        # The redelivered task finds the attempt leased (timeout + 60 s) and leaves it alone; rather than wait
        # for the lease we expire it, which is exactly what time would do, then let the sweeper (beat's job)
        # queue it again.
        wait_for(  # the redelivered message runs in the restarted worker (and does nothing)
            lambda: re.search(
                r"Task integrations\.tasks\.deliver\[[^\]]+\] succeeded", worker.log_text().split("===== start")[-1]
            ),
            timeout=VISIBILITY + 30,
            what="the redelivered webhook task to run",
        )
        assert sql(
            pg_cluster, fault_db, "SELECT status FROM integrations_webhookdelivery WHERE id = %s", [delivery_id]
        ) == [("pending",)]
        sql(
            pg_cluster,
            fault_db,
            "UPDATE integrations_webhookdelivery SET next_attempt_at = now() - interval '1 second' WHERE id = %s",
            [delivery_id],
        )
        run_seed(env, "enqueue", "integrations.tasks.retry_due_deliveries")
        wait_for(
            lambda: (
                sql(
                    pg_cluster, fault_db, "SELECT status FROM integrations_webhookdelivery WHERE id = %s", [delivery_id]
                )
                == [("succeeded",)]
            ),
            timeout=30,
            what="the webhook to be delivered after the restart",
        )
    finally:
        receiver.close()

    status, attempt, code, delivered = sql(
        pg_cluster,
        fault_db,
        "SELECT status, attempt, status_code, delivered_at IS NOT NULL FROM integrations_webhookdelivery WHERE id = %s",
        [delivery_id],
    )[0]
    assert (status, attempt, code, delivered) == ("succeeded", 2, 200, True)
    assert sql(pg_cluster, fault_db, "SELECT count(*) FROM integrations_webhookdelivery") == [(1,)]
    # At-least-once: the receiver saw the killed attempt and the successful one, both the same delivery,
    # the same body (payload id) and a valid signature, so it can drop the duplicate by X-PRM-Delivery / id.
    assert len(receiver.requests) == 2
    for request in receiver.requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        expected = "sha256=" + hmac.new(seeded["secret"].encode(), request["body"], hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-prm-signature"], expected)
        assert headers["x-prm-delivery"] == str(delivery_id)
        assert json.loads(request["body"])["id"] == "evt_faults_1"
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
