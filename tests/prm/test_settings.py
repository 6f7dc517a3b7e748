"""Settings follow the environment: demo defaults, PostgreSQL, Redis, and a production that refuses weak secrets.

Each case imports config.settings afresh in a subprocess with a controlled environment. A developer's .env file
is ignored there (environ.Env.read_env is switched off), so these tests see only what they set.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The portal's own variables, and anything Django or Celery read (other tests set some, e.g. the browser
# tests' DJANGO_ALLOW_ASYNC_UNSAFE, which the deployment checks rightly refuse).
CLEARED = (
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CACHE_KEY_PREFIX",
    "BEHIND_PROXY",
)
CLEARED_PREFIXES = ("DJANGO_", "CELERY_")
PRODUCTION_SECRET = "p7Q2vX9kLm4Rt8Zw1Nc6Hy3Bd5Fg0Js2Ua9Ke4Wo7Ir1Tx6Vb8Yq3Pn5Ml0Sh2Dc"  # 64 characters

IGNORE_DOT_ENV = "import environ; environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)\n"

READ_SETTINGS = (
    IGNORE_DOT_ENV
    + """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "broker": settings.CELERY_BROKER_URL,
    "result_backend": settings.CELERY_RESULT_BACKEND,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email_backend": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""
)

RUN_MANAGE_PY = (
    IGNORE_DOT_ENV
    + """
import runpy, sys
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""
)


def run_python(code, *args, **env_vars):
    env = {
        key: value for key, value in os.environ.items() if key not in CLEARED and not key.startswith(CLEARED_PREFIXES)
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(env_vars)
    return subprocess.run(  # noqa: S603 - our own interpreter running code written in this module
        [sys.executable, "-c", code, *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )


def settings_with(**env_vars) -> dict:
    result = run_python(READ_SETTINGS, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_nothing_set_the_portal_runs_as_a_demo():
    values = settings_with()
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(REPO_ROOT / "db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["eager"] is True
    assert values["broker"] == "memory://localhost/"
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert values["debug"] is True
    assert values["session_cookie_secure"] is False and values["hsts"] == 0 and values["ssl_redirect"] is False


def test_database_url_switches_to_postgresql():
    values = settings_with(DATABASE_URL="postgres://u@h:5432/db")
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "db"


def test_redis_url_switches_cache_broker_and_results_to_redis_and_turns_eager_off():
    url = "redis://127.0.0.1:6379/3"
    values = settings_with(REDIS_URL=url)
    assert values["cache"] == "django_redis.cache.RedisCache"
    assert values["cache_location"] == url
    assert values["broker"] == url and values["result_backend"] == url
    assert values["eager"] is False


def test_eager_tasks_can_be_forced_on_with_redis():
    values = settings_with(REDIS_URL="redis://127.0.0.1:6379/3", CELERY_TASK_ALWAYS_EAGER="true")
    assert values["eager"] is True


@pytest.mark.parametrize(
    "secret",
    [None, "too-short-secret", "dev-only-insecure-secret-key-do-not-use-in-production"],
    ids=["missing", "short", "development-default"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    env_vars = {"DEBUG": "false", "ALLOWED_HOSTS": "portal.example.com"}
    if secret is not None:
        env_vars["SECRET_KEY"] = secret
    result = run_python(READ_SETTINGS, **env_vars)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


PRODUCTION_SIGNING_KEY = "prod-1:" + "A" * 43


def test_production_settings_are_secure():
    assert len(PRODUCTION_SECRET) == 64
    values = settings_with(DEBUG="false", SECRET_KEY=PRODUCTION_SECRET, ALLOWED_HOSTS="portal.example.com")
    assert values["debug"] is False
    assert values["session_cookie_secure"] is True and values["csrf_cookie_secure"] is True
    assert values["hsts"] > 0
    assert values["ssl_redirect"] is True
    assert values["allowed_hosts"] == ["portal.example.com"]


def test_production_settings_pass_the_deployment_checks():
    result = run_python(
        RUN_MANAGE_PY,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="portal.example.com",
        SIGNING_KEYS=PRODUCTION_SIGNING_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deployment_checks_warn_without_a_signing_key():
    """Receipts and credentials cannot be signed without SIGNING_KEYS (issue 12)."""
    result = run_python(
        RUN_MANAGE_PY,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="portal.example.com",
    )
    assert result.returncode != 0
    assert "receipts.W001" in result.stdout + result.stderr
