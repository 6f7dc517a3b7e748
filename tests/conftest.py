"""Shared fixtures: role users, API clients, and the rules for tests that need real services.

Tests marked `postgres`, `redis`, `e2e`, `gettext`, `node` or `nginx` need PostgreSQL (DATABASE_URL), Redis
(REDIS_URL), Chromium, GNU gettext, Node.js with npm or nginx.
On a developer's machine without them they are skipped, and the run says so at the end; in CI
(CI=true) a missing service fails the test instead.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import InternalUserFactory, PartnerAdminFactory, PartnerFactory, UserFactory, tier

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
NGINX_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])


def _missing(item) -> str | None:
    if "postgres" in item.keywords and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if "redis" in item.keywords and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://..."
    if "e2e" in item.keywords and not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)"
    if "gettext" in item.keywords and not shutil.which("xgettext"):
        return "needs GNU gettext's xgettext for makemessages (apt-get install gettext)"
    if "nginx" in item.keywords and not shutil.which("nginx", path=NGINX_PATH):
        return "needs nginx as the reverse proxy of the proxy tests (apt-get install nginx)"
    if "node" in item.keywords and not (shutil.which("node") and shutil.which("npm")):
        return "needs Node.js and npm for the third-party verifiers in tests/verifiers (apt-get install nodejs npm)"
    return None


_skipped_for_services: list[str] = []


def pytest_runtest_setup(item):
    reason = _missing(item)
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it; not skipping)", pytrace=False)
    _skipped_for_services.append(reason)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    if _skipped_for_services:
        reasons = sorted(set(_skipped_for_services))
        terminalreporter.write_line(
            f"NOTE: {len(_skipped_for_services)} tests were skipped because a service is missing here "
            f"({'; '.join(reasons)}). CI runs them all.",
            yellow=True,
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values must not leak between tests."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()
    yield


@pytest.fixture(autouse=True, scope="session")
def _force_login_passes_the_second_factor():
    """force_login = a completed two-factor login.

    A session of a role that needs MFA counts only after it passed the second factor in that session
    (accounts.middleware.SecondFactorMiddleware, docs/login.md). Tests that log a user in with
    `client.force_login(user)` (Django's Client and DRF's APIClient alike) mean a finished login, so for a
    user with a TOTP authenticator this also records the password and MFA steps in the session, as allauth's
    login does. A user without one stays where a real login leaves them: sent to set it up. A test of a
    half-done login (password only) calls `client._force_login_without_second_factor(user)`."""
    from django.test import Client

    from accounts.testing import record_second_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        record_second_factor(self, user)

    # Session-wide, so module-scoped fixtures (tests/security/test_isolation_matrix.py's world) get it too.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", force_login)
        patch.setattr(Client, "_force_login_without_second_factor", original, raising=False)
        yield


@pytest.fixture
def catalogues():
    """The committed Spanish and German catalogues (locale/, built from locale/fragments by `make messages`;
    tests/i18n fails when they are incomplete or stale). Puts the default language back afterwards."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Acme Cloud Partners", tier=tier("Gold"), website_domain="acme.example")


@pytest.fixture
def other_partner(db):
    return PartnerFactory(
        name="Globex Integrators", tier=tier("Silver"), website_domain="globex.example", country="DE", region="emea"
    )


@pytest.fixture
def partner_admin(partner):
    return PartnerAdminFactory(partner=partner, email="alice@acme.example")


@pytest.fixture
def partner_user(partner):
    return UserFactory(partner=partner, email="bob@acme.example")


@pytest.fixture
def other_partner_user(other_partner):
    return PartnerAdminFactory(partner=other_partner, email="carol@globex.example")


@pytest.fixture
def channel_manager(db):
    return InternalUserFactory(role=Role.CHANNEL_MANAGER, email="manager@example.com")


@pytest.fixture
def finance_user(db):
    return InternalUserFactory(role=Role.FINANCE, email="finance@example.com")


@pytest.fixture
def program_admin(db):
    return InternalUserFactory(role=Role.PROGRAM_ADMIN, email="admin@example.com")


@pytest.fixture
def client_for(client):
    """Log the Django test client in as `user` and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for():
    """An APIClient authenticated as `user` through the session (token auth has its own tests)."""

    def make(user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    return make


@pytest.fixture
def api_client():
    return APIClient()
