"""Journey through the trust features (issue 12), in a real browser:

- a partner registers a customer another partner holds, downloads the signed receipt of the refusal and checks
  it on the public verify page (valid; altered by one byte: tampered);
- it disputes the decision; the channel manager sees both registrations side by side and reverses it, and the
  partner's registration is approved with a new receipt;
- the partner that still waits on the vendor sees the SLA on its home page;
- a program admin drafts a new rules-of-engagement version, simulates it and publishes it;
- a certificate downloads as an Open Badges credential that verifies offline with the published key;
- the portal switches to German and Spanish with the picker.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from deals.models import DealRegistration, DealStatus
from enablement.models import Certificate
from policy.models import PolicyStatus, RoePolicy
from receipts.models import Receipt
from tests.e2e.test_deal_journey import session_cookie_for
from tests.enablement.factories import CertificationFactory
from tests.receipts.test_credentials import independent_verify

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def context_for(browser, live_server, user=None):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    if user is not None:
        context.add_cookies([session_cookie_for(user, live_server.url)])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm buttons
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg.text))
    page.csp_violations = violations
    return context, page


def register(page, name, domain):
    page.goto("/deals/new/")
    page.fill("#id_customer_name", name)
    page.fill("#id_customer_domain", domain)
    page.select_option("#id_customer_country", "US")
    page.fill("#id_amount", "25000")
    page.get_by_test_id("submit-registration").click()
    page.wait_for_selector("[data-testid=deal-title]")
    return page.url


def check_receipt(browser, live_server, text: str) -> str:
    """The public verify page, as an anonymous visitor: what it says about the pasted receipt."""
    context, page = context_for(browser, live_server)
    page.goto("/receipts/verify/")
    page.fill("[data-testid=verify-form] textarea", text)
    page.locator("[data-testid=verify-form] button[type=submit]").click()
    result = page.get_by_test_id("verify-result").inner_text().strip()
    assert page.csp_violations == []
    context.close()
    return result


def test_receipts_disputes_sla_policy_credentials_and_languages(
    browser_page, live_server, partner_user, other_partner_user, channel_manager, program_admin, partner_admin
):
    browser = browser_page.context.browser

    # Globex registers Initech first and waits for the vendor's decision.
    globex, globex_page = context_for(browser, live_server, other_partner_user)
    register(globex_page, "Initech Corporation", "initech.example")
    globex_page.goto("/")
    assert globex_page.get_by_test_id("sla-home-panel").is_visible()
    assert "Initech" in globex_page.get_by_test_id("sla-home-items").inner_text()
    assert globex_page.get_by_test_id("sla-medians").is_visible()

    # Acme registers the same customer: refused, told until when, never by whom.
    acme, page = context_for(browser, live_server, partner_user)
    deal_url = register(page, "Initech Corp.", "www.initech.example")
    assert page.get_by_test_id("deal-status").inner_text() == "Rejected"
    assert "protected until" in page.get_by_test_id("match-sentence").inner_text()
    assert "Globex" not in page.content()

    # The signed receipt of that decision: valid as downloaded, tampered when one byte changes.
    assert page.get_by_test_id("receipt-row").count() >= 1
    href = page.get_by_test_id("receipt-json").last.get_attribute("href")
    receipt_text = page.request.get(href).text()
    receipt = json.loads(receipt_text)
    assert receipt["receipt"]["outcome"] == "rejected" and "Globex" not in receipt_text
    assert check_receipt(browser, live_server, receipt_text) == "Valid"
    tampered = receipt_text.replace('"rejected"', '"approved"', 1)
    assert tampered != receipt_text
    assert check_receipt(browser, live_server, tampered) == "Tampered"

    # Acme disputes the decision once, with a reason.
    page.get_by_test_id("dispute-button").click()
    page.fill("#id_reason", "We introduced Initech to the product at our March event, before Globex registered.")
    page.locator("[data-testid=dispute-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=dispute-title]")
    dispute_url = page.url

    # The channel manager compares both registrations and reverses the decision.
    manager, manager_page = context_for(browser, live_server, channel_manager)
    manager_page.goto(dispute_url)
    assert manager_page.get_by_test_id("side-by-side").is_visible()
    assert "Globex" in manager_page.get_by_test_id("side-by-side").inner_text()
    manager_page.locator("[data-testid=decide] textarea").last.fill("Acme's event predates Globex's registration.")
    manager_page.get_by_test_id("reverse").click()
    manager_page.wait_for_selector("[data-testid=dispute-decision]")
    assert manager_page.csp_violations == []
    manager.close()

    page.goto(deal_url)
    assert page.get_by_test_id("deal-status").inner_text() == "Approved"
    acme_deal = DealRegistration.objects.get(customer_domain="www.initech.example")
    assert acme_deal.status == DealStatus.APPROVED and acme_deal.policy_version_id is not None
    assert Receipt.objects.filter(deal=acme_deal, kind="approved").exists()
    globex_deal = DealRegistration.objects.get(customer_domain="initech.example")
    assert globex_deal.status == DealStatus.REJECTED
    assert Receipt.objects.filter(deal=globex_deal, kind="rejected").exists()
    globex.close()

    # A program admin drafts v2, simulates it over the last 12 months and publishes it.
    admin, admin_page = context_for(browser, live_server, program_admin)
    admin_page.goto("/policy/new/")
    admin_page.get_by_test_id("create-draft").click()
    admin_page.wait_for_selector("[data-testid=policy-form]")
    draft = RoePolicy.objects.get(status=PolicyStatus.DRAFT)
    admin_page.goto(f"/policy/{draft.pk}/simulate/")
    admin_page.get_by_test_id("start-simulation").click()
    admin_page.wait_for_selector("[data-testid=simulation-summary]")
    admin_page.goto(f"/policy/{draft.pk}/publish/")
    admin_page.fill("#id_effective_from", (timezone.localdate() + timedelta(days=1)).isoformat())
    admin_page.locator("form button[type=submit].btn-success").click()
    admin_page.wait_for_url("**/policy/")
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.PUBLISHED
    assert admin_page.csp_violations == []
    admin.close()

    # A certificate as an Open Badges 3.0 credential, verified offline with the published key.
    now = timezone.now()
    certificate = Certificate.objects.create(
        certification=CertificationFactory(name="Northwind Certified Sales Professional"),
        user=partner_admin,
        partner=partner_admin.partner,
        issued_at=now,
        expires_at=now + timedelta(days=365),
    )
    owner, owner_page = context_for(browser, live_server, partner_admin)
    owner_page.goto(f"/learn/certificates/{certificate.pk}/")
    credential_href = owner_page.get_by_test_id("download-credential").get_attribute("href")
    assert "linkedin.com/profile/add" in owner_page.get_by_test_id("linkedin-add").get_attribute("href")
    credential = json.loads(owner_page.request.get(credential_href).text())
    did_document = json.loads(owner_page.request.get("/.well-known/did.json").text())
    assert independent_verify(credential, did_document)
    owner.close()

    # The portal reads in German and Spanish: the picker switches the whole page.
    page.goto("/")
    page.select_option("#language-select", "de")
    page.wait_for_selector("html[lang=de]")
    assert "Abmelden" in page.content()
    page.select_option("#language-select", "es")
    page.wait_for_selector("html[lang=es]")
    assert "Cerrar sesión" in page.content()
    assert page.csp_violations == []
    acme.close()
