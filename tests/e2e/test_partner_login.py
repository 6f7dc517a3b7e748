"""Journey: a partner user logs in through the real login page and sees the partner home."""

import pytest
from allauth.account.models import EmailAddress

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def verified_partner_user(partner_user):
    EmailAddress.objects.create(user=partner_user, email=partner_user.email, verified=True, primary=True)
    return partner_user


def test_partner_user_logs_in_and_sees_the_partner_home(verified_partner_user, browser_page, partner):
    partner_user = verified_partner_user
    page = browser_page
    page.goto("/")
    page.get_by_test_id("landing-login").click()
    page.fill("input[name=login]", partner_user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("[data-testid=partner-home-title]")
    assert page.get_by_test_id("partner-home-title").inner_text() == "Acme Cloud Partners"
    assert "Gold" in page.get_by_test_id("partner-tier").inner_text()
    assert page.csp_violations == [], page.csp_violations
