"""The main lists are readable on a 390 px phone (docs/pages.md): rows stack as cards labelled by their
`data-label`, and no cell's text overflows its box. Screenshots land in test-results/."""

from datetime import timedelta

import pytest
from django.urls import reverse

from deals.models import Lead, LeadStatus
from tests.commissions.factories import EntryFactory
from tests.deals.factories import DealFactory
from tests.e2e.conftest import at_width, save_screenshot, session_cookie
from tests.mdf.factories import ActivityTypeFactory, allocate, approved_request

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LISTS = [  # (name, URL name, role that sees it with rows)
    ("deals", "deals:list", "partner_admin"),
    ("deals-internal", "deals:list", "program_admin"),
    ("leads", "deals:leads", "partner_admin"),
    ("mdf-requests", "mdf:requests", "program_admin"),
    ("commissions", "commissions:entries", "finance_user"),
    ("partners", "partners:directory", "program_admin"),
]

OVERFLOWING = """() => Array.from(document.querySelectorAll("main table td, main table th")).filter(
    cell => cell.offsetParent !== null && cell.scrollWidth > cell.clientWidth + 1
).map(cell => (cell.dataset.label || "") + ": " + cell.innerText.trim().slice(0, 60))"""

WIDE = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.fixture
def rows(partner, partner_admin, channel_manager, program_admin):
    """One long-valued row of each list (a long customer name, a six-figure amount, a long status)."""
    from django.utils import timezone

    DealFactory(partner=partner, registered_by=partner_admin, amount="152000.00", customer_name="Northwind Traders")
    DealFactory(partner=partner, registered_by=partner_admin, status="pending_review", customer_name="Contoso")
    now = timezone.now()
    Lead.objects.create(
        partner=partner,
        created_by=channel_manager,
        customer_name="Fabrikam Industries",
        customer_country="US",
        status=LeadStatus.ASSIGNED,
        assigned_at=now,
        accept_by=now + timedelta(hours=72),
    )
    allocate(partner, "10000.00", admin=program_admin)
    approved_request(partner, manager=channel_manager, activity=ActivityTypeFactory())
    EntryFactory(partner=partner)


def test_main_lists_fit_a_phone(browser_page, live_server, rows, partner_admin, program_admin, finance_user):
    users = {"partner_admin": partner_admin, "program_admin": program_admin, "finance_user": finance_user}
    page = browser_page
    at_width(page, 390)
    signed_in = None
    for name, url, role in LISTS:
        if signed_in != role:
            page.context.clear_cookies()
            page.context.add_cookies([session_cookie(users[role], live_server.url)])
            signed_in = role
        page.goto(reverse(url))
        assert page.locator("main table tbody tr").count() >= 1, name
        save_screenshot(page, f"list-{name}-390px")
        assert page.evaluate(OVERFLOWING) == [], name
        assert not page.evaluate(WIDE), f"{name}: the page scrolls sideways at 390 px"
