"""PSI round trips through the API, as the CLI runs them (docs/private-check.md)."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from availability.models import CheckRecord
from prm.models import AuditEntry
from prm_check import client as cli
from tests.availability.conftest import prospects
from tests.deals.factories import AccountFactory, DealFactory, DirectAccountFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(partner, other_partner, partner_user):
    today = timezone.localdate()
    mine = DealFactory(partner=partner, account=AccountFactory(name="Mine Corp", domain="mine.example"))
    theirs = DealFactory(
        partner=other_partner,
        account=AccountFactory(name="Theirs GmbH", domain="theirs.example", country="DE"),
        protected_until=today + timedelta(days=20),
    )
    direct = DirectAccountFactory(name="Direct Industries", domain="direct.example")
    return {"mine": mine, "theirs": theirs, "direct": direct, "today": today}


def test_cli_client_gets_registrations_answers(live_server, world, psi_policy, token_portal, partner_user):
    psi_policy()
    portal = token_portal(partner_user, live_server.url)
    rows = prospects(
        ("Mine Corporation", "https://www.mine.example", "US"),
        ("Theirs", "", "de"),
        ("Someone Else", "direct.example", "FR"),
        ("Brand New Ltd", "brand-new.example", "GB"),
        ("", "", ""),
    )
    result = cli.check(rows, portal=portal)
    assert [a for a, _until in result.answers] == ["yours", "protected", "direct", "open", "open"]
    until = result.answers[1][1]
    assert until == (world["today"] + timedelta(days=30)).isoformat()
    assert result.remaining_today == 200 - 5
    record = CheckRecord.objects.get()
    assert (record.prospects, record.partner_id, record.channel) == (5, partner_user.partner_id, "cli")
    audit = AuditEntry.objects.get(action="availability_check")
    assert audit.changes == {"prospects": 5, "channel": "cli"}


def test_dates_hidden_when_the_policy_says_so(live_server, world, psi_policy, token_portal, partner_user):
    psi_policy(show_dates=False)
    result = cli.check(
        prospects(("Theirs GmbH", "theirs.example", "DE")), portal=token_portal(partner_user, live_server.url)
    )
    assert result.answers == [("protected", None)]


def test_counts_only(live_server, world, psi_policy, token_portal, partner_user):
    psi_policy(counts_only=True)
    rows = prospects(("Mine", "mine.example", "US"), ("Theirs", "theirs.example", "DE"), ("Nope", "nope.example", "US"))
    result = cli.check(rows, portal=token_portal(partner_user, live_server.url))
    assert result.counts_only and result.answers == []
    assert result.counts == {"yours": 2, "protected": 2, "direct": 0}


def test_command_line(live_server, world, psi_policy, token_portal, partner_user, tmp_path):
    psi_policy()
    portal = token_portal(partner_user, live_server.url)
    source = tmp_path / "prospects.csv"
    source.write_text("name,domain,country\nMine Corp,mine.example,US\nFresh Co,fresh.example,US\n", encoding="utf-8")
    completed = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "prm_check", str(source), "--token", portal.token, "--url", live_server.url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = completed.stdout.strip().splitlines()
    assert lines[0] == "name,domain,country,answer,protected_until"
    assert lines[1].startswith("Mine Corp,mine.example,US,yours")
    assert lines[2].startswith("Fresh Co,fresh.example,US,open")
    assert "bytes per prospect" in completed.stderr and "typo" in completed.stderr
