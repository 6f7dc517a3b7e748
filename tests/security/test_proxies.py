"""The client address behind proxies (docs/proxies.md).

1. One choke point: no module but prm/clientip.py reads REMOTE_ADDR or X-Forwarded-For; every throttle class
   and every API route's throttles count by it; allauth's limits take it through the account adapter.
2. The real thing: gunicorn serving the portal with TRUSTED_PROXY_COUNT=1 behind a real nginx that appends
   $proxy_add_x_forwarded_for. Clients bound to 127.0.0.2 and 127.0.0.3 are counted apart, and a client that
   rotates made-up X-Forwarded-For headers is still limited.
"""

import ast
import http.client
import importlib
import itertools
import json
import os
import pkgutil
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from partners.models import Application
from prm.api import ClientAddressThrottle
from tests.factories import PASSWORD
from tests.partners.factories import application_data

ROOT = Path(settings.BASE_DIR)
CHOKE_POINT = ROOT / "prm" / "clientip.py"
# Request headers that carry a client address, as META keys (X-Forwarded-For is HTTP_X_FORWARDED_FOR there).
ADDRESS_KEYS = {
    "REMOTE_ADDR",
    "HTTP_X_FORWARDED_FOR",
    "X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "X_REAL_IP",
    "HTTP_FORWARDED",
    "FORWARDED",
    "HTTP_CF_CONNECTING_IP",
    "CF_CONNECTING_IP",
    "HTTP_TRUE_CLIENT_IP",
    "TRUE_CLIENT_IP",
}
SKIPPED_DIRS = {".venv", "node_modules", "tests", ".git", "staticfiles", "media", "__pycache__"}


def project_python_files():
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith(".")]
        for filename in filenames:
            if filename.endswith(".py"):
                yield Path(dirpath) / filename


def address_keys_in(path: Path, root: Path = ROOT) -> list[str]:
    """String constants in `path`'s code that name a client-address header (any spelling: META key or header)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 40:
            key = node.value.strip().upper().replace("-", "_")
            if key in ADDRESS_KEYS or f"HTTP_{key}" in ADDRESS_KEYS - {"HTTP_FORWARDED"}:
                found.append(f"{path.relative_to(root)}:{node.lineno}: {node.value!r}")
    return found


def test_the_header_scan_finds_the_ways_code_reads_an_address(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'a = request.META["REMOTE_ADDR"]\nb = request.META.get("HTTP_X_FORWARDED_FOR")\n'
        'c = request.headers.get("X-Forwarded-For")\nd = request.headers["x-real-ip"]\n'
        '"""A docstring about X-Forwarded-For and REMOTE_ADDR is not code."""\n'
    )
    assert [hit.rsplit(": ", 1)[1] for hit in address_keys_in(sample, tmp_path)] == [
        "'REMOTE_ADDR'",
        "'HTTP_X_FORWARDED_FOR'",
        "'X-Forwarded-For'",
        "'x-real-ip'",
    ]


def test_no_module_but_the_choke_point_reads_a_client_address_header():
    files = list(project_python_files())
    assert CHOKE_POINT in files and len(files) > 100
    hits = [hit for path in files if path != CHOKE_POINT for hit in address_keys_in(path)]
    assert hits == [], "read the client address with prm.clientip.client_ip(request):\n" + "\n".join(hits)
    assert address_keys_in(CHOKE_POINT)  # the scan does see the one module that reads them


def test_no_template_reads_a_client_address():
    hits = [
        f"{path.relative_to(ROOT)}"
        for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
        for path in folder.rglob("*.html")
        if any(key in path.read_text() for key in ("REMOTE_ADDR", "X_FORWARDED", "X-Forwarded"))
    ]
    assert hits == []


def project_modules():
    """Import every module of the portal's own apps (migrations aside) so every throttle class exists."""
    for app in settings.INSTALLED_APPS:
        package = importlib.import_module(app)
        location = Path(package.__file__).resolve()
        if not location.is_relative_to(ROOT) or location.relative_to(ROOT).parts[0] in SKIPPED_DIRS:
            continue  # a third-party app (the virtualenv may live inside the checkout)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" not in module.name and ".tests" not in module.name:
                importlib.import_module(module.name)


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def test_every_throttle_class_of_the_portal_counts_by_the_client_address_rule():
    project_modules()
    ours = {cls for cls in all_subclasses(BaseThrottle) if not cls.__module__.startswith(("rest_framework", "tests"))}
    assert ClientAddressThrottle in ours and len(ours) >= 4
    for cls in ours:
        assert cls.get_ident is ClientAddressThrottle.get_ident, f"{cls.__module__}.{cls.__name__}"
    for path in api_settings.DEFAULT_THROTTLE_CLASSES:
        assert issubclass(path, ClientAddressThrottle), path


def api_views():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "cls", None) is not None:
                yield pattern

    yield from walk(get_resolver().url_patterns)


def test_every_api_route_throttles_by_the_client_address_rule():
    checked = 0
    for pattern in api_views():
        callback = pattern.callback
        actions = sorted(set((getattr(callback, "actions", None) or {}).values())) or [None]
        for action in actions:
            view = callback.cls(**getattr(callback, "initkwargs", {}))
            view.action = action
            view.request = None
            view.kwargs = {}
            for throttle in view.get_throttles():
                assert isinstance(throttle, ClientAddressThrottle), (str(pattern.pattern), action, throttle)
            checked += 1
    assert checked > 50


# --- behind a real nginx ------------------------------------------------------------------------------------

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""
LIMIT = 3
_spoofs = itertools.count(1)


def nginx_binary() -> str:
    return shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"]))


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def portal_behind_nginx(django_db_setup):
    """gunicorn (TRUSTED_PROXY_COUNT=1) on the test database, nginx in front; yields nginx's port."""
    from tests.faults.services import Gunicorn, PortalProcess, free_port, port_open, portal_env, wait_for

    log_dir = Path(tempfile.mkdtemp(prefix="prm-proxies-"))
    # nginx's workers may run as another user (nobody) when the tests run as root: let them in.
    os.chmod(log_dir, 0o755)  # noqa: S103 - a throwaway directory of this test
    (log_dir / "tmp").mkdir()
    os.chmod(log_dir / "tmp", 0o777)  # noqa: S103
    env = portal_env(
        database_url=database_url(),
        redis_url=None,  # the limits' counters in gunicorn's own memory: one worker process
        DJANGO_SETTINGS_MODULE="config.settings_test",  # the test process's settings: its password hasher, keys
        TRUSTED_PROXY_COUNT="1",
        ANON_FORM_RATE_LIMIT=f"{LIMIT}/hour",
        RECEIPT_VERIFY_RATE_LIMIT=f"{LIMIT}/hour",
        LOGIN_LIMIT_PER_IP=str(LIMIT),
        LOG_LEVEL="WARNING",
    )
    gunicorn = Gunicorn(env, log_dir, free_port(), threads=4)
    port = free_port()
    conf = log_dir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=log_dir, port=port, upstream=gunicorn.port))
    nginx = PortalProcess("nginx", [nginx_binary(), "-p", str(log_dir), "-c", str(conf), "-e", "stderr"], {}, log_dir)
    started = []
    try:
        gunicorn.start()
        started.append(gunicorn)
        nginx.start()
        started.append(nginx)
        wait_for(lambda: port_open(port) or not nginx.alive(), timeout=20, what="nginx to listen")
        assert nginx.alive(), nginx.log_text()
        yield port
    except BaseException:
        for proc in started:
            print(f"----- {proc.name} log -----\n{proc.log_text()[-4000:]}")
        raise
    finally:
        for proc in reversed(started):
            proc.stop()
        assert not any(proc.alive() for proc in started)
        shutil.rmtree(log_dir, ignore_errors=True)


def post(port, source, path, body, spoof=None) -> int:
    """POST JSON to nginx from the local address `source`; `spoof` is an X-Forwarded-For the client makes up."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if spoof:
        headers["X-Forwarded-For"] = spoof
    try:
        conn.request("POST", path, body=json.dumps(body), headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def spoof() -> str:
    n = next(_spoofs)
    return f"203.0.113.{n % 250 + 1}, 127.0.0.{n % 200 + 10}"


@pytest.mark.nginx
@pytest.mark.postgres
@pytest.mark.slow
# gunicorn reads what this test commits; serialized_rollback restores the migrations' seeded tiers afterwards
# (and before, when an earlier transactional test emptied the tables).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_behind_nginx_each_client_is_counted_and_spoofed_headers_are_ignored(portal_behind_nginx, partner_user):
    port = portal_behind_nginx
    first, second = "127.0.0.2", "127.0.0.3"

    # The public receipt check: LIMIT per client, whatever the client writes into X-Forwarded-For.
    receipt = "/api/v1/receipts/verify/"
    checked = {"receipt": {"kid": "x"}, "signature": "x"}  # a tampered receipt: answered, not refused

    def check(source, header=None):
        status = post(port, source, receipt, checked, header)
        return "answered" if status in (200, 400) else status

    assert [check(first, spoof()) for _ in range(LIMIT)] == ["answered"] * LIMIT
    assert [check(first, spoof()) for _ in range(4)] == [429] * 4
    assert check(first, second) == 429  # naming the other client does not help either
    assert [check(second) for _ in range(LIMIT)] == ["answered"] * LIMIT
    assert check(second, spoof()) == 429

    # Partner applications (each would e-mail its contact): the same, and the recorded address is the client's.
    def apply(source, n, header=None):
        return post(port, source, "/api/v1/applications/", application_data(company_name=f"Co {source} {n}"), header)

    assert [apply(first, n, spoof()) for n in range(LIMIT)] == [201] * LIMIT
    assert [apply(first, n, spoof()) for n in range(LIMIT, LIMIT + 3)] == [429] * 3
    assert apply(second, 0, spoof()) == 201
    recorded = sorted(Application.objects.values_list("ip_address", flat=True))
    assert recorded == [first] * LIMIT + [second]

    # Logins (allauth's per-address limit on the token endpoint): counted per client too.
    token = "/api/v1/auth/token/"
    wrong = {"email": "nobody@acme.example", "password": "wrong-guess-1"}
    right = {"email": "bob@acme.example", "password": PASSWORD}
    assert [post(port, first, token, wrong, spoof()) for _ in range(LIMIT)] == [400] * LIMIT
    assert post(port, first, token, right, spoof()) == 429
    assert post(port, second, token, right, spoof()) == 200
