"""Journey: a partner registers a deal, the channel manager approves it, a second partner's registration of the
same customer is refused (without learning who holds it), and the first partner marks the deal won."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def login_partner(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("[data-testid=partner-home-title]")


def session_cookie_for(user, base_url):
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def test_partner_registers_manager_approves_conflict_refused_partner_marks_won(
    browser_page, live_server, partner_user, partner, channel_manager, other_partner_user
):
    EmailAddress.objects.create(user=partner_user, email=partner_user.email, verified=True, primary=True)
    page = browser_page
    login_partner(page, partner_user)

    page.goto("/deals/new/")
    page.fill("#id_customer_name", "Initech Corporation")
    page.fill("#id_customer_domain", "initech.example")
    page.select_option("#id_customer_country", "US")
    page.fill("#id_amount", "12500")
    page.get_by_test_id("submit-registration").click()
    page.wait_for_selector("[data-testid=deal-title]")
    assert "submitted" in page.get_by_test_id("deal-message").inner_text()
    deal_url = page.url

    manager = page.context.browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    manager.add_cookies([session_cookie_for(channel_manager, live_server.url)])
    manager_page = manager.new_page()
    manager_page.goto("/deals/review/")
    manager_page.wait_for_selector("[data-testid=review-item]")
    manager_page.goto(deal_url)
    manager_page.get_by_test_id("approve-deal").click()
    manager_page.wait_for_selector("text=Approved.")
    manager.close()

    # A second partner registers the same customer: refused as a conflict, told until when, never by whom.
    rival = page.context.browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    rival.add_cookies([session_cookie_for(other_partner_user, live_server.url)])
    rival_page = rival.new_page()
    rival_page.goto("/deals/new/")
    rival_page.fill("#id_customer_name", "Initech Corp.")
    rival_page.fill("#id_customer_domain", "www.initech.example")
    rival_page.select_option("#id_customer_country", "US")
    rival_page.fill("#id_amount", "9000")
    rival_page.get_by_test_id("submit-registration").click()
    rival_page.wait_for_selector("[data-testid=deal-title]")
    assert rival_page.url != deal_url
    refusal = rival_page.get_by_test_id("deal-message").inner_text()
    assert "already registered and protected until" in refusal
    assert rival_page.get_by_test_id("deal-status").inner_text() == "Rejected"
    assert "Acme" not in rival_page.content()
    rival.close()

    page.goto(deal_url)
    assert page.get_by_test_id("deal-status").inner_text() == "Approved"
    page.fill("#won-amount", "13000.00")
    page.fill("#won-date", timezone.localdate().isoformat())
    page.get_by_test_id("mark-won").click()
    page.wait_for_selector("text=is now Won.")  # the flash names the deal and its new state
    assert page.get_by_test_id("deal-status").inner_text() == "Won"
    assert "$13,000.00" in page.get_by_test_id("deal-amount").inner_text()
    assert page.csp_violations == [], page.csp_violations
