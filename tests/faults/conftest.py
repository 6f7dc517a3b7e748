"""Fixtures of the fault tests: our own PostgreSQL cluster (migrated once into a template database that
each test clones), our own Redis per test, and the portal's gunicorn / Celery worker as subprocesses.

These tests never use pytest-django's test database: they drive real processes and check with SQL.
"""

import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.faults.services import (
    ROOT,
    CeleryWorker,
    Gunicorn,
    PostgresCluster,
    RedisServer,
    free_port,
    portal_env,
    require_tools,
)

TEMPLATE_DB = "prm_faults_template"


@pytest.fixture(scope="session")
def pg_cluster():
    require_tools()
    cluster = PostgresCluster(free_port(55432))
    try:
        cluster.init()
        cluster.start()
        cluster.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
        env = portal_env(database_url=cluster.url(TEMPLATE_DB), redis_url=None)
        migrate = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def fault_db(pg_cluster):
    """A fresh, migrated database of our cluster for this test (a copy of the template)."""
    name = pg_cluster.clone(TEMPLATE_DB, f"prm_faults_{uuid.uuid4().hex[:8]}")
    yield name
    pg_cluster.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    pg_cluster.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def redis_server():
    require_tools()
    server = RedisServer(free_port(6391))
    server.start()
    yield server
    server.stop() if server.proc else None


@pytest.fixture
def log_dir(request):
    """The processes' logs; kept (and printed) when the test fails, removed when it passes."""
    path = Path(tempfile.mkdtemp(prefix=f"prm-faults-{request.node.name[:40]}-"))
    yield path
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def processes(request, log_dir):
    """Register started PortalProcesses here; they are stopped after the test, and their logs are printed on
    failure (pytest shows captured output of failing tests)."""
    started = []
    yield started
    for proc in reversed(started):
        proc.stop()
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for proc in started:
            print(f"----- {proc.name} log (last 6000 chars) -----\n{proc.log_text()[-6000:]}")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def start_worker(processes, log_dir):
    def start(env) -> CeleryWorker:
        worker = CeleryWorker(env, log_dir)
        processes.append(worker)
        worker.start()
        return worker

    return start


@pytest.fixture
def start_gunicorn(processes, log_dir):
    def start(env, threads: int = 4) -> Gunicorn:
        server = Gunicorn(env, log_dir, free_port(), threads=threads)
        processes.append(server)
        server.start()
        return server

    return start


@pytest.fixture
def make_env(pg_cluster, fault_db):
    def make(redis: RedisServer | None = None, **extra) -> dict[str, str]:
        return portal_env(database_url=pg_cluster.url(fault_db), redis_url=redis.url if redis else None, **extra)

    return make
