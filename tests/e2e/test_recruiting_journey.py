"""Journey: an applicant applies on the public page, a channel manager scores and approves, and the invited
admin opens the e-mailed link, sets a password and lands on the partner home with its checklist."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Role
from partners.models import Application, OppCriterion
from tests.factories import InternalUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in_as(page, live_server, user):
    """Internal users need MFA at the login form; the journey is about recruiting, so reuse a session."""
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def test_applicant_is_approved_and_the_invited_admin_reaches_the_partner_home(browser_page, live_server):
    page = browser_page
    manager = InternalUserFactory(role=Role.CHANNEL_MANAGER, email="recruiter@example.com")

    # 1. The applicant, on a phone, fills the public form.
    page.goto("/")
    page.get_by_test_id("landing-apply").click()
    page.wait_for_selector("[data-testid=partner-with-us-title]")
    page.fill("#id_company_name", "Vandelay Industries")
    page.fill("#id_website", "https://www.vandelay.example")
    page.fill("#id_contact_name", "Art Vandelay")
    page.fill("#id_contact_email", "art@vandelay.example")
    page.select_option("#id_country", "US")
    page.select_option("#id_partner_type", "reseller")
    page.fill("#id_description", "Importer and exporter of fine software.")
    page.get_by_test_id("application-submit").click()
    page.wait_for_selector("[data-testid=application-thanks]")
    assert "Vandelay Industries" in page.get_by_test_id("application-thanks").inner_text()
    application = Application.objects.get(company_name="Vandelay Industries")
    assert any("art@vandelay.example" in m.to for m in mail.outbox)

    # 2. The channel manager scores the application and approves it.
    log_in_as(page, live_server, manager)
    page.goto(f"/applications/{application.pk}/")
    for criterion in OppCriterion.objects.filter(active=True):
        page.select_option(f"#id_criterion_{criterion.pk}", "4")
    page.locator("[data-testid=score-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=opp-result]")
    assert "Recruit now" in page.get_by_test_id("opp-result").inner_text()
    page.get_by_test_id("approve-button").click()
    page.wait_for_selector("[data-testid=partner-name]")
    assert page.get_by_test_id("partner-name").inner_text() == "Vandelay Industries"
    page.context.clear_cookies()

    # 3. The invited admin opens the link from the e-mail and sets a password.
    invitation = next(m for m in mail.outbox if m.to == ["art@vandelay.example"] and "invited" in m.subject.lower())
    link = re.search(r"https?://[^\s]+/invitations?/[^\s]+", invitation.body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.goto(path)
    page.fill("input[name=first_name]", "Art")
    if page.locator("input[name=last_name]").count():
        page.fill("input[name=last_name]", "Vandelay")
    page.fill("input[name=password1]", "Latex-salesman-2026")
    page.fill("input[name=password2]", "Latex-salesman-2026")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("[data-testid=partner-home-title]")
    assert page.get_by_test_id("partner-home-title").inner_text() == "Vandelay Industries"
    assert "Registered" in page.get_by_test_id("partner-tier").inner_text()
    assert page.get_by_test_id("onboarding-checklist").is_visible()
    assert page.get_by_test_id("tier-progress").is_visible()
    assert page.csp_violations == [], page.csp_violations
