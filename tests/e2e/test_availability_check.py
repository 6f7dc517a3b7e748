"""Journey: a partner checks a prospect CSV privately in the browser (PSI in WebAssembly). Every request the page
sends is inspected: no raw name or domain of the list ever reaches the portal (docs/private-check.md)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from availability.models import CheckRecord
from tests.availability.conftest import psi_policy  # noqa: F401 - the fixture
from tests.deals.factories import AccountFactory, DealFactory, DirectAccountFactory
from tests.e2e.test_deal_journey import session_cookie_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CSV = (
    "name,domain,country\n"
    "Mine Corporation,https://www.mine.example,US\n"
    "Theirs,,DE\n"
    "Someone Else,direct.example,FR\n"
    '"Brand New, Ltd",brand-new.example,GB\n'
)
SECRETS = ["Mine Corporation", "mine.example", "Theirs", "direct.example", "Brand New", "brand-new", "brand new"]


def test_partner_checks_a_csv_in_the_browser(  # noqa: PLR0913 - the journey's fixtures
    browser_page,
    live_server,
    partner,
    other_partner,
    partner_user,
    psi_policy,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    DealFactory(partner=partner, account=AccountFactory(name="Mine Corp", domain="mine.example"))
    DealFactory(
        partner=other_partner,
        account=AccountFactory(name="Theirs GmbH", domain="theirs.example", country="DE"),
        protected_until=timezone.localdate() + timedelta(days=10),
    )
    DirectAccountFactory(name="Direct Industries", domain="direct.example")
    psi_policy()
    page = browser_page
    page.context.add_cookies([session_cookie_for(partner_user, live_server.url)])
    bodies = []
    page.on("request", lambda request: bodies.append(request.post_data or ""))
    page.goto("/availability/")
    assert "typo" in page.get_by_test_id("honest-limits").inner_text()
    source = tmp_path / "prospects.csv"
    source.write_text(CSV, encoding="utf-8")
    page.set_input_files("#psi-file", str(source))
    page.click("#psi-run")
    page.wait_for_selector("[data-testid=psi-results] tbody tr", timeout=60000)
    answers = page.eval_on_selector_all("[data-testid=psi-results] tbody tr", "rows => rows.map(r => r.dataset.answer)")
    assert answers == ["yours", "protected", "direct", "open"]
    assert (
        "Protected by another registration, until"
        in page.locator("[data-testid=psi-results] tbody tr").nth(1).inner_text()
    )
    assert other_partner.name not in page.content()
    assert not page.csp_violations
    posted = [b for b in bodies if b]
    assert len(posted) == 1 and json.loads(posted[0])["prospects"] == 4
    for body in posted:
        for secret in SECRETS:
            assert secret.lower() not in body.lower()
    assert CheckRecord.objects.get().prospects == 4
    with page.expect_download() as download:
        page.click("#psi-export")
    exported = download.value.path().read_text(encoding="utf-8").splitlines()
    assert exported[0] == "name,domain,country,answer,protected_until"
    assert exported[4].startswith('"Brand New, Ltd",brand-new.example,GB,open')
