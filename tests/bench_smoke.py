"""Run a benchmark module end to end on a tiny data set, against the test run's PostgreSQL server (each
benchmark creates its own scratch database there). Used by the tests/*/test_bench_smoke.py tests."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def drop_scratch_database(url: str, database: str) -> None:
    """A scratch database left by an earlier run (possibly of other code, with other migrations) is dropped, so
    each smoke run migrates a fresh one."""
    import psycopg2
    from psycopg2 import sql

    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
    admin.close()


def run_bench(module: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
    if "--database" in args:
        drop_scratch_database(url, args[args.index("--database") + 1])
    return subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
