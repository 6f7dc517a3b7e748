"""Journey: a won deal's commission entry is approved by finance, batched (creating submits it), approved by
a second finance user, paid (Celery is eager in tests), and the partner admin sees the paid line on their
statement. A batch the monthly job made is submitted by one finance user and approved by another
(docs/commissions-rules.md)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from commissions import services
from commissions.models import BatchStatus, CommissionEntry, EntryStatus, PayoutBatch
from prm.periods import quarter_of
from tests.commissions.factories import EntryFactory, WonDealFactory
from tests.factories import InternalUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in_as(page, user, base_url):
    """A fresh session for `user` in the page's context (one page, so every CSP report is caught)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def test_won_deal_entry_is_approved_batched_approved_by_a_second_user_paid_and_on_the_statement(
    browser_page, live_server, partner, partner_admin, finance_user
):
    second_finance = InternalUserFactory(role=Role.FINANCE, email="finance2@example.com")
    deal = WonDealFactory(
        partner=partner,
        customer_name="Initech Corporation",
        amount=Decimal("10000.00"),
        close_date=timezone.localdate(),
    )
    services.record_won_deal(deal_id=deal.pk)  # what the deal.won subscriber runs
    entry = CommissionEntry.objects.get(deal=deal)
    assert entry.amount == Decimal("3000.00") and entry.status == EntryStatus.PENDING
    page, url = browser_page, live_server.url

    # Finance approves the entry and gathers it into a batch.
    log_in_as(page, finance_user, url)
    page.goto("/commissions/")
    page.get_by_test_id(f"select-entry-{entry.pk}").check()
    page.get_by_test_id("approve-selected").click()
    page.wait_for_selector("text=Approved 1 entry.")
    page.goto("/commissions/batches/")
    page.select_option("#id_partner", str(partner.pk))
    page.get_by_test_id("create-batch").click()
    page.wait_for_selector("[data-testid=batch-status]")
    assert page.get_by_test_id("batch-status").inner_text() == "Draft"
    assert "$3,000.00" in page.get_by_test_id("batch-total").inner_text()
    assert page.get_by_test_id("approve-batch").count() == 0  # the creator submitted it: may not approve it
    assert page.get_by_test_id("submit-batch").count() == 0
    batch_url = page.url
    batch = PayoutBatch.objects.get(partner=partner)
    assert batch.created_by == finance_user and batch.submitted_by == finance_user

    # A second finance user approves and pays it.
    log_in_as(page, second_finance, url)
    page.goto(batch_url)
    page.get_by_test_id("approve-batch").click()
    page.wait_for_selector("text=Batch approved.")
    assert page.get_by_test_id("batch-status").inner_text() == "Approved"
    page.get_by_test_id("pay-batch").click()
    page.wait_for_selector("text=Payment started.")
    page.goto(batch_url)
    assert page.get_by_test_id("batch-status").inner_text() == "Paid"
    page.get_by_test_id("payout-file").wait_for()
    batch.refresh_from_db()
    entry.refresh_from_db()
    assert batch.status == BatchStatus.PAID and batch.approved_by == second_finance
    assert entry.status == EntryStatus.PAID and entry.paid_at is not None

    # The partner admin sees the paid line on the statement of this quarter.
    log_in_as(page, partner_admin, url)
    page.goto(f"/commissions/statements/?period={quarter_of(timezone.localdate()).key}")
    lines = page.get_by_test_id("statement-lines")
    lines.wait_for()
    row = lines.locator("tbody tr", has_text="Initech Corporation")
    assert row.count() == 1
    text = row.inner_text()
    assert "$3,000.00" in text and "Paid" in text
    assert page.csp_violations == [], page.csp_violations


def test_a_monthly_job_batch_is_submitted_by_one_finance_user_and_approved_by_another(
    browser_page, live_server, partner, finance_user
):
    second_finance = InternalUserFactory(role=Role.FINANCE, email="finance2@example.com")
    EntryFactory(partner=partner, amount=Decimal("209500.00"), status=EntryStatus.APPROVED)
    [batch_id] = services.create_monthly_payout_batches()
    page, url = browser_page, live_server.url
    batch_url = f"/commissions/batches/{batch_id}/"

    log_in_as(page, finance_user, url)
    page.goto(batch_url)
    assert page.get_by_test_id("approve-batch").count() == 0  # nobody submitted it yet
    page.get_by_test_id("submit-batch").click()
    page.wait_for_selector("text=Submitted for approval.")
    assert finance_user.email in page.get_by_test_id("batch-submitted-by").inner_text()
    assert page.get_by_test_id("approve-batch").count() == 0 and page.get_by_test_id("pay-batch").count() == 0

    log_in_as(page, second_finance, url)
    page.goto(batch_url)
    page.get_by_test_id("approve-batch").click()
    page.wait_for_selector("text=Batch approved.")
    assert page.get_by_test_id("batch-status").inner_text() == "Approved"
    batch = PayoutBatch.objects.get(pk=batch_id)
    assert batch.submitted_by == finance_user and batch.approved_by == second_finance
    assert page.csp_violations == [], page.csp_violations
