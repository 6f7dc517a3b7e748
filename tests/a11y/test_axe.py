"""axe-core (pinned in tests/a11y/package-lock.json, installed with `npm ci`, never from a CDN) on every
stable page of the portal, for every role: no serious or critical violation (docs/pages.md).

The stable pages are the isolation matrix's GET routes (tests/security/test_isolation_matrix.py) that the role
may open, with that matrix's fixture world. One Chromium serves every role; its requests are answered by the
Django test client of that role (no live server, so the world lives in the test's transaction)."""

import functools
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.e2e.conftest import CHROMIUM_ARGS
from tests.security.test_isolation_matrix import OK, ROUTES
from tests.security.world import ROLES, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.node, pytest.mark.slow, pytest.mark.django_db]

HERE = Path(__file__).resolve().parent
CHECKED_ROLES = ("partner_admin", "partner_user", "channel_manager", "finance", "program_admin")
BLOCKING = {"serious", "critical"}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    """`npm ci` from the lock file (again when the lock file changes), then axe.min.js's text."""
    lock, installed = HERE / "package-lock.json", HERE / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(  # noqa: S603 - npm from PATH, fixed arguments
            [shutil.which("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
            timeout=240,
            env={**os.environ, "NO_UPDATE_NOTIFIER": "1"},
        )
    return (HERE / "node_modules" / "axe-core" / "axe.min.js").read_text()


def stable_urls(world, role: str) -> list[str]:
    """The role's own objects' page URLs, of every GET page route the role may open."""
    urls = []
    for name, route in ROUTES.items():
        if route.api or route.method != "get" or route.outcomes(True)[role] != OK:
            continue
        url = reverse(name, kwargs=route.kwargs(world, role, True) if route.kwargs else None)
        urls.append(f"{url}?{route.query(world, role, True)}" if route.query else url)
    return urls


@functools.cache
def _static(path: str) -> str | None:
    return finders.find(path)


def _answer(pages: dict):
    """A Playwright route handler: static files from the finders, the page from `pages` (rendered beforehand by
    the test client: Django's connection must not be used from Playwright's greenlet), nothing else."""

    def handle(route):
        parts = urlsplit(route.request.url)
        if parts.hostname != "testserver":
            return route.abort()
        if parts.path.startswith("/static/"):
            found = _static(parts.path.removeprefix("/static/"))
            return route.fulfill(path=found) if found else route.fulfill(status=404, body="")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in pages:
            return route.fulfill(status=200, content_type="text/html; charset=utf-8", body=pages[path])
        return route.fulfill(status=204, body="")  # htmx fragments: the page itself is what is checked

    return handle


def rendered_pages(world) -> dict[str, dict[str, bytes]]:
    """role -> URL -> the page's HTML, rendered by the role's test client before any browser starts: inside
    sync_playwright the test runs in another greenlet, whose context would open a second database connection
    (on SQLite: "database table is locked" against the test's open transaction)."""
    rendered = {}
    for role in CHECKED_ROLES:
        client = Client()
        client.force_login(world.users[role])
        pages = rendered[role] = {}
        for url in stable_urls(world, role):
            response = client.get(url)
            if response.streaming:  # downloads; read to the end, so the test client closes them (never .close():
                b"".join(response.streaming_content)  # its request_finished would close the test's DB connection)
                continue
            if response.status_code != 200 or b"<html" not in response.content[:500]:
                continue  # redirects, downloads and htmx fragments (checked inside their pages)
            pages[url] = response.content
    return rendered


@pytest.mark.timeout(600)  # about 300 pages: 2-3 minutes on an idle machine, more on a shared one
def test_no_serious_or_critical_violation_on_any_stable_page(axe_source):
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM

    rendered = rendered_pages(build_world())
    failures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for role, pages in rendered.items():
            context = browser.new_context(base_url="http://testserver", bypass_csp=True)
            context.route("**/*", _answer(pages))
            context.add_init_script(script=axe_source)  # in every page before its own scripts: no extra round trip
            page = context.new_page()  # one tab per role, navigated from page to page
            for url in pages:
                page.goto(url, wait_until="load")
                blocking = [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
                if blocking:
                    failures.append((role, url, blocking))
            context.close()
        browser.close()
    report = "\n".join(f"{role} {url}: {violations}" for role, url, violations in failures)
    assert not failures, f"{len(failures)} pages with serious/critical violations:\n{report}"


def test_the_checked_roles_are_the_worlds_roles():
    assert set(CHECKED_ROLES) <= set(ROLES)
