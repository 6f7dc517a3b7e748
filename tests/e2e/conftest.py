"""Browser journeys: Playwright drives Debian's Chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest
from django.db import connections

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(request, live_server):
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_default_timeout(15000)
        csp_violations = []
        page.on("console", lambda msg: "Content Security Policy" in msg.text and csp_violations.append(msg.text))
        page.csp_violations = csp_violations
        yield page
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
        context.close()
        browser.close()
    connections.close_all()  # nothing may hold the test database open at teardown


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


WIDTHS = (320, 390, 768, 1024, 1280, 1920)


def at_width(page, width: int) -> None:
    """Resize the page's viewport (one browser serves every width: a fresh browser per width costs seconds)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.width = width


def session_cookie(user, base_url):
    """The session cookie of `user`, logged in (second factor passed) without going through the login form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def save_screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
