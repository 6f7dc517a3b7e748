"""Journey: a partner requests MDF, the channel manager approves, the partner claims with a proof file,
finance approves the claim and marks it paid; the partner's MDF page shows the payment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import PartnerFunction
from mdf import services
from tests.e2e.test_deal_journey import session_cookie_for
from tests.mdf.factories import PDF, ActivityTypeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def open_as(page, user, live_server):
    context = page.context.browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.add_cookies([session_cookie_for(user, live_server.url)])
    other = context.new_page()
    other.set_default_timeout(15000)
    other.on("dialog", lambda dialog: dialog.accept())
    return context, other


def test_request_approval_claim_with_a_file_finance_approval_and_payment(
    browser_page, live_server, partner, partner_user, channel_manager, finance_user, program_admin, tmp_path
):
    partner_user.partner_function = PartnerFunction.MARKETING
    partner_user.save(update_fields=["partner_function"])
    partner.channel_manager = channel_manager
    partner.save(update_fields=["channel_manager"])
    activity = ActivityTypeFactory(name="Partner webinar")
    services.allocate_funds(partner=partner, actor=program_admin, amount=Decimal("5000"), reason="Launch")
    today = timezone.localdate()

    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    page.context.add_cookies([session_cookie_for(partner_user, live_server.url)])
    page.goto("/mdf/")
    assert page.get_by_test_id("mdf-available").inner_text() == "$5,000.00"
    page.get_by_test_id("new-mdf-request").click()
    page.select_option("#id_activity_type", str(activity.pk))
    page.fill("#id_title", "Cloud security webinar")
    page.fill("#id_start_date", (today - timedelta(days=3)).isoformat())
    page.fill("#id_end_date", (today - timedelta(days=2)).isoformat())
    page.fill("#id_total_cost", "4000")
    page.fill("#id_requested_amount", "2000")
    page.locator("[data-testid=mdf-request-form] button[type=submit]").click()
    page.wait_for_selector("text=Your request is with your channel manager.")
    request_url = page.url

    manager_context, manager = open_as(page, channel_manager, live_server)
    manager.goto(request_url)
    manager.fill("#approve-amount", "1800")
    manager.get_by_test_id("approve-request").click()
    manager.wait_for_selector("text=Approved: the funds are committed.")
    manager_context.close()

    page.goto(request_url)
    assert page.get_by_test_id("approved-amount").inner_text() == "$1,800.00"
    page.get_by_test_id("new-claim").click()
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)
    page.fill("#id_actual_cost", "3800")
    page.fill("#id_claimed_amount", "1800")
    page.fill("#id_attendees", "64")
    page.set_input_files("#id_proof", str(invoice))
    page.locator("[data-testid=mdf-claim-form] button[type=submit]").click()
    page.wait_for_selector("text=Your claim is with finance.")
    claim_url = page.url
    assert "invoice.pdf" in page.get_by_test_id("proof-list").inner_text()

    finance_context, finance = open_as(page, finance_user, live_server)
    finance.goto("/mdf/claims/")
    finance.wait_for_selector("[data-testid=claim-queue-totals]")
    finance.goto(claim_url)
    finance.get_by_test_id("approve-claim").click()
    finance.wait_for_selector("text=Claim approved.")
    finance.fill("#payment-ref", "WIRE-2026-0042")
    finance.get_by_test_id("pay-claim").click()
    finance.wait_for_selector("text=Claim paid.")
    assert finance.get_by_test_id("payment-reference").inner_text() == "WIRE-2026-0042"
    finance_context.close()

    page.goto("/mdf/")
    assert page.get_by_test_id("mdf-paid").inner_text() == "$1,800.00"
    assert page.get_by_test_id("mdf-available").inner_text() == "$3,200.00"
    assert page.csp_violations == [], page.csp_violations
