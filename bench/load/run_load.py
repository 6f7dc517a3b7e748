"""Load test of the portal under gunicorn on this machine (issue 11).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.load.run_load     # or: make load

1. Creates the scratch database `prm_load` (`--database`) on the server of DATABASE_URL, migrates it and seeds
   the benchmark data set, `seed_demo --partners 5000` (DEBUG on, as the command requires); `--reuse` keeps an
   already seeded database, `--fresh` (the default) drops and recreates it so every run starts alike.
2. Writes session cookies and API tokens of seeded users (bench/load/prepare.py) and collects static files.
3. Starts gunicorn (`--workers`, default 2 x cores + 1) with production settings (DEBUG off, a random
   SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, plain HTTP: SECURE_SSL_REDIRECT off) and one Celery worker, both on
   Redis db 13 (`--redis-db`), which is flushed first.
4. Warms the workers up, then runs locust headless (bench/load/locustfile.py) for `--duration` seconds at
   each user count of `--users` (default 10,25,50,100) and prints per level: throughput (req/s), p50/p95/p99
   (ms) and the error count, plus the slowest endpoints; then the highest throughput with p95 < 300 ms and
   no errors. Results go to bench/results/load/. Stops gunicorn and the worker on every exit path.

Exit status 1 when no level met the target. Locust runs on the same machine as the server and takes a share
of its cores: the figures are what this machine serves while also generating the load.
"""

import argparse
import csv
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.bench_deal_matching import ensure_database, scratch_url

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "load"
BIN = Path(sys.executable).parent
TARGET_P95_MS = 300


def run(cmd: list[str], env: dict, **kwargs) -> None:
    print(">> " + " ".join(cmd), flush=True)
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)  # noqa: S603 - our own fixed commands


def drop_database(url: str, database: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2

    admin = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.close()


def flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback server
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f}s")
        time.sleep(0.5)


def stop(process: subprocess.Popen | None, name: str) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop within 30s; killing it", flush=True)
        process.kill()
        process.wait()


def read_stats(prefix: Path) -> tuple[dict, list[dict]]:
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return total, [r for r in rows if r["Name"] != "Aggregated"]


def locust(users: int, seconds: int, host: str, prefix: Path, env: dict) -> None:
    cmd = [
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(max(users // 5, 1)), "--run-time", f"{seconds}s",
        "--host", host, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
    ]  # fmt: skip
    print(f">> locust: {users} users for {seconds}s", flush=True)
    subprocess.run(cmd, env=env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)  # noqa: S603 - our own fixed commands


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="prm_load")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--partners", type=int, default=5000, help="seed_demo --partners")
    parser.add_argument("--users", default="10,25,50,100", help="comma-separated locust user counts")
    parser.add_argument("--duration", type=int, default=60, help="seconds per user count")
    parser.add_argument("--warmup", type=int, default=15, help="seconds of untimed warm-up traffic")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    reuse = parser.add_mutually_exclusive_group()
    reuse.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    reuse.add_argument("--fresh", action="store_true", help="drop and recreate the database (the default)")
    args = parser.parse_args(argv)
    levels = [int(u) for u in args.users.split(",") if u.strip()]

    base_url = os.environ.get("DATABASE_URL", "")
    url = scratch_url(args.database)
    redis_url = os.environ.get("LOAD_REDIS_URL", f"redis://127.0.0.1:6379/{args.redis_db}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    static_root = RESULTS / "static"
    creds = RESULTS / "credentials.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        # One key for the setup and the server: the sessions prepare.py writes are signed with it.
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=url, REDIS_URL=redis_url, CACHE_KEY_PREFIX="prmload", STATIC_ROOT=str(static_root),
        LOAD_CREDENTIALS=str(creds), LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
    )  # fmt: skip
    seeded = False
    if args.reuse:
        ensure_database(base_url, args.database)
    else:
        drop_database(base_url, args.database)
        ensure_database(base_url, args.database)
    flush_redis(redis_url)
    setup = dict(env, DEBUG="true", CELERY_TASK_ALWAYS_EAGER="true")
    t0 = time.perf_counter()
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], setup)
    if not args.reuse:
        run(
            [sys.executable, "manage.py", "seed_demo", "--partners", str(args.partners), "--password", "load-pass"],
            setup, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        seeded = True
    print(f"database {args.database}: migrated{' and seeded' if seeded else ''} in {time.perf_counter() - t0:.0f}s")
    run([sys.executable, "-m", "bench.load.prepare", "--out", str(creds)], setup)

    production = dict(
        env, DEBUG="false", ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0", CELERY_TASK_ALWAYS_EAGER="false",
        # One token per simulated user, but a busy partner user may pass 600 calls a minute: the throttle is
        # not what this test measures.
        API_RATE_LIMIT="100000/min",
    )  # fmt: skip
    # With DEBUG off the templates resolve static files through WhiteNoise's manifest: collect them like that.
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], production)
    host = f"http://127.0.0.1:{args.port}"
    web = worker = None
    results = []
    try:
        web = subprocess.Popen(  # noqa: S603 - our own fixed commands
            [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers),
             "--timeout", "60", "--log-level", "warning"],
            env=production, cwd=ROOT,
        )  # fmt: skip
        worker = subprocess.Popen(  # noqa: S603 - our own fixed commands
            [str(BIN / "celery"), "-A", "prm", "worker", "-l", "warning", "--concurrency", "1", "-n", "load@%h"],
            env=production, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_healthy(f"{host}/healthz/")
        print(f"gunicorn: {args.workers} workers on {host}; celery: 1 worker process; {os.cpu_count()} cores")
        if args.warmup:
            locust(max(levels[0], 5), args.warmup, host, RESULTS / "warmup", production)
        for users in levels:
            prefix = RESULTS / f"u{users}"
            locust(users, args.duration, host, prefix, production)
            total, rows = read_stats(prefix)
            result = {
                "users": users,
                "rps": float(total["Requests/s"]),
                "requests": int(total["Request Count"]),
                "errors": int(total["Failure Count"]),
                "p50": float(total["50%"]),
                "p95": float(total["95%"]),
                "p99": float(total["99%"]),
            }
            results.append(result)
            print(
                f"users {users:4d}: {result['rps']:7.1f} req/s  p50 {result['p50']:5.0f} ms  "
                f"p95 {result['p95']:5.0f} ms  p99 {result['p99']:5.0f} ms  errors {result['errors']} "
                f"of {result['requests']} requests",
                flush=True,
            )
            for row in sorted(rows, key=lambda r: -float(r["95%"]))[:4]:
                print(f"      {row['95%']:>6} ms p95  {row['Request Count']:>6} x {row['Type']} {row['Name']}")
            if result["errors"]:
                failures = Path(f"{prefix}_failures.csv").read_text().splitlines()[1:6]
                for line in failures:
                    print(f"      failure: {line}")
    finally:
        stop(web, "gunicorn")
        stop(worker, "celery worker")
        shutil.rmtree(static_root, ignore_errors=True)

    good = [r for r in results if r["errors"] == 0 and r["p95"] < TARGET_P95_MS]
    if not good:
        print(f"no level met the target (p95 < {TARGET_P95_MS} ms, 0 errors)")
        return 1
    best = max(good, key=lambda r: r["rps"])
    print(
        f"highest throughput with p95 < {TARGET_P95_MS} ms and 0 errors: {best['rps']:.1f} req/s at "
        f"{best['users']} users (p50 {best['p50']:.0f} ms, p95 {best['p95']:.0f} ms, p99 {best['p99']:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
