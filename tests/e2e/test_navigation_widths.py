"""Every menu of the top navigation is reachable at every width from 320 to 1920 px, for every role: each item
is visible inside the viewport, or becomes so once the burger menu is opened (docs/pages.md)."""

import pytest

from tests.e2e.conftest import WIDTHS, at_width, save_screenshot, session_cookie

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROLES = ("partner_admin", "channel_manager", "finance_user", "program_admin")


def _inside(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


def _open_menu_if_collapsed(page) -> None:
    toggler = page.locator("nav .navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.wait_for_selector("#mainnav.show")


@pytest.mark.parametrize("role", ROLES)
def test_every_nav_item_is_reachable_at_every_width(request, role, browser_page, live_server):
    user = request.getfixturevalue(role)
    page = browser_page
    page.context.add_cookies([session_cookie(user, live_server.url)])
    for width in WIDTHS:
        at_width(page, width)
        page.goto("/")
        _check_nav(page, role)


def _check_nav(page, role):
    _open_menu_if_collapsed(page)
    items = page.locator("#mainnav .navbar-nav > .nav-item > .nav-link")
    assert items.count() >= 4
    for index in range(items.count()):
        item = items.nth(index)
        label = item.get_attribute("aria-label") or item.inner_text()
        assert item.is_visible(), f"{label!r} hidden at {page.width}px"
        assert _inside(page, item), f"{label!r} outside the viewport at {page.width}px"
    for toggle in ("nav-settings", "user-menu"):
        menu = page.get_by_test_id(toggle)
        if menu.count():
            menu.click()
            first = menu.locator("xpath=following-sibling::ul//*[contains(@class,'dropdown-item')]").last
            assert first.is_visible() and _inside(page, first), f"{toggle} menu not reachable at {page.width}px"
            menu.click()
    save_screenshot(page, f"nav-{role}-{page.width}px")
