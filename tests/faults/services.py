"""Throwaway services for the fault-tolerance tests: a PostgreSQL cluster, a Redis server, the portal's
gunicorn and Celery worker, each a subprocess of the test on a free local port that the test may kill.

Nothing here ever touches the shared PostgreSQL (5432) or Redis (6379): every instance is started here,
in a temporary directory, and stopped here.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
FORBIDDEN_PORTS = {5432, 6379}
# Inherited variables that would point the subprocesses at the shared services or make Celery inline.
_SCRUBBED = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "CACHE_KEY_PREFIX",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
)


def pg_bin_dir() -> Path | None:
    base = Path("/usr/lib/postgresql")
    if base.is_dir():
        for version in sorted(base.iterdir(), key=lambda p: p.name, reverse=True):
            if (version / "bin" / "initdb").exists():
                return version / "bin"
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing_tools() -> list[str]:
    missing = []
    if pg_bin_dir() is None:
        missing.append("PostgreSQL server binaries (initdb, pg_ctl)")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if not (VENV_BIN / "gunicorn").exists() or not (VENV_BIN / "celery").exists():
        missing.append("gunicorn/celery in the virtualenv")
    return missing


def require_tools() -> None:
    """Skip (locally) or fail (CI=true) when the binaries the fault tests start are not installed."""
    missing = missing_tools()
    if not missing:
        return
    reason = "fault tests need " + ", ".join(missing) + " to start their own throwaway instances"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason + " (CI=true: not skipping)", pytrace=False)
    pytest.skip(reason)


def free_port(preferred: int | None = None) -> int:
    """`preferred` if nothing listens there, else any free port the kernel picks (never 5432/6379)."""
    candidates = [preferred] if preferred else []
    for port in [*candidates, 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            chosen = sock.getsockname()[1]
            if chosen not in FORBIDDEN_PORTS:
                return chosen
    raise RuntimeError("no free port")


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


# --- PostgreSQL ------------------------------------------------------------------------------------


class PostgresCluster:
    """initdb + pg_ctl in a temp dir (as the postgres user when we are root); trust auth on 127.0.0.1."""

    def __init__(self, port: int):
        assert port not in FORBIDDEN_PORTS
        self.port = port
        self.bin = pg_bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="prm-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)  # noqa: S603

    def init(self) -> None:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n")

    def _options(self) -> str:
        return f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def restart(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-m", "fast", "-w", "restart"
        )

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres"):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, connect_timeout=5)
        conn.autocommit = True
        return conn

    def execute(self, sql: str, params=None, *, dbname: str = "postgres") -> list[tuple]:
        conn = self.connect(dbname)
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            conn.close()

    def clone(self, template: str, name: str) -> str:
        self.execute(f'DROP DATABASE IF EXISTS "{name}"')
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name


# --- Redis -----------------------------------------------------------------------------------------


class RedisServer:
    def __init__(self, port: int):
        assert port not in FORBIDDEN_PORTS
        self.port = port
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        cmd += ["--daemonize", "no"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        wait_for(lambda: port_open(self.port), timeout=10, what=f"redis-server on {self.port}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None
        wait_for(lambda: not port_open(self.port), timeout=10, what="redis-server to stop")


# --- the portal --------------------------------------------------------------------------------------


def portal_env(*, database_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of the portal's processes: our own PG/Redis, DEBUG (dev static files), real Celery."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
        CACHE_KEY_PREFIX="prm-faults",
        WEBHOOKS_ALLOW_PRIVATE_URLS="true",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env["CELERY_TASK_ALWAYS_EAGER"] = "true"
    env.update(extra)
    return env


def run_seed(env: dict[str, str], command: str, *args) -> dict:
    """Run a tests.faults.seed command in a subprocess against `env`'s database; returns its JSON output."""
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.faults.seed", command, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0:
        raise AssertionError(f"seed {command} failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


class PortalProcess:
    """A long-running portal process (gunicorn, celery) in its own process group, logging to a file."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log_dir: Path):
        self.name, self.cmd, self.env = name, cmd, env
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "a")  # noqa: SIM115 - the child keeps writing to it
        log.write(f"\n===== start {time.strftime('%H:%M:%S')} =====\n")
        log.flush()
        self.proc = subprocess.Popen(  # noqa: S603
            self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group (a worker's pool children included): no cleanup, no acks."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Gunicorn(PortalProcess):
    def __init__(self, env: dict[str, str], log_dir: Path, port: int, threads: int = 4):
        self.port = port
        cmd = [str(VENV_BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--threads",
               str(threads), "--timeout", "60", "--access-logfile", "-"]  # fmt: skip
        super().__init__("gunicorn", cmd, env, log_dir)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        super().start()
        wait_for(lambda: port_open(self.port) or not self.alive(), timeout=60, what="gunicorn to listen")
        assert self.alive(), self.log_text()


class CeleryWorker(PortalProcess):
    def __init__(self, env: dict[str, str], log_dir: Path):
        cmd = [str(VENV_BIN / "celery"), "-A", "config", "worker", "-P", "prefork", "-c", "1", "-Q", "prm",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]  # fmt: skip
        super().__init__("celery", cmd, env, log_dir)
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        super().start()
        # "ready." is logged once per start; wait for this start's line.
        wait_for(
            lambda: self.log_text().count(" ready.") >= self.starts or not self.alive(),
            timeout=90,
            what="the Celery worker to be ready",
        )
        assert self.alive(), self.log_text()[-3000:]
