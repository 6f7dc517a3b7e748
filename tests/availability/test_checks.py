"""The availability check's rules: the policy switches, the daily limit, the audit by size only, what the
server receives and what a partner can learn (docs/private-check.md)."""

import json
import threading
from datetime import timedelta

import private_set_intersection.python as psi_lib
import pytest
from django.db import connections, transaction
from django.utils import timezone

from availability import services
from availability.models import CheckRecord, DailyUsage
from prm.models import AuditEntry
from prm_check import client as cli
from tests.availability.conftest import prospects
from tests.deals.factories import AccountFactory, DealFactory, DirectAccountFactory
from tests.factories import PartnerAdminFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

ROWS = (("Theirs GmbH", "theirs.example", "DE"), ("Plain Prospect", "plain.example", "US"))


@pytest.fixture
def theirs(other_partner):
    return DealFactory(
        partner=other_partner,
        account=AccountFactory(name="Theirs GmbH", domain="theirs.example", country="DE"),
        protected_until=timezone.localdate() + timedelta(days=200),
    )


def test_checks_off_by_default_and_refused(portal_for, partner_user):
    with pytest.raises(cli.CheckError, match="403"):
        cli.check(prospects(*ROWS), portal=portal_for(partner_user))


def test_who_may_check(portal_for, partner_user, partner_admin, psi_policy, theirs, channel_manager):
    psi_policy(who="partner_admins")
    with pytest.raises(cli.CheckError, match="403"):
        cli.check(prospects(*ROWS), portal=portal_for(partner_user))
    with pytest.raises(cli.CheckError, match="403"):
        cli.check(prospects(*ROWS), portal=portal_for(channel_manager))
    result = cli.check(prospects(*ROWS), portal=portal_for(partner_admin))
    assert result.answers == [("protected", None), ("open", None)]  # beyond 90 days: no date


def test_the_daily_limit_and_the_audit(portal_for, partner_user, psi_policy, theirs):
    psi_policy(daily_limit=3)
    portal = portal_for(partner_user)
    assert cli.check(prospects(*ROWS), portal=portal).remaining_today == 1
    with pytest.raises(cli.CheckError, match="daily_limit|limit"):
        cli.check(prospects(*ROWS), portal=portal)
    assert DailyUsage.objects.get().prospects == 2
    assert CheckRecord.objects.count() == 1
    audit = AuditEntry.objects.get(action="availability_check")
    text = json.dumps(audit.changes) + audit.reason + audit.object_label
    assert audit.changes == {"prospects": 2, "channel": "cli"}
    for raw in ("Theirs", "theirs.example", "Plain", "plain.example", "protected"):
        assert raw not in text


def test_the_server_never_receives_a_raw_name_or_domain(portal_for, partner_user, psi_policy, theirs):
    psi_policy()
    portal = portal_for(partner_user)
    rows = prospects(*ROWS, ("Ünïcode Straße AG", "https://www.strasse.example/x", "DE"))
    cli.check(rows, portal=portal)
    (body,) = portal.bodies
    sent = json.loads(body)
    assert set(sent) == {"prospects", "request", "channel"} and sent["prospects"] == 3
    keys = [k for r in rows for k in ("theirs", "plain", "strasse", "unicode", "ünïcode", r.name.lower(), r.domain)]
    for raw in keys:
        assert raw.lower() not in body.lower()
    assert "d:" not in body and "n:DE" not in body


def test_the_size_must_match_and_junk_is_refused(api_for, partner_user, psi_policy):
    psi_policy()
    api = api_for(partner_user)
    reply = api.post("/api/v1/availability/checks/", {"prospects": 2, "request": "bm90IGEgcmVxdWVzdA=="}, format="json")
    assert reply.status_code == 400
    assert DailyUsage.objects.filter(prospects__gt=0).count() == 0


def test_a_partner_never_learns_another_partners_name_or_id(api_for, partner_user, other_partner, psi_policy, theirs):
    psi_policy()
    reply = api_for(partner_user).get("/api/v1/availability/")
    text = reply.content.decode()
    assert other_partner.name not in text
    assert f'"partner": {other_partner.pk}' not in text and "partner_id" not in text
    # The policy part says only what the vendor switched on: no key that could carry a deal's or partner's id.
    assert set(reply.json()["policy"]) == {"version", "show_dates", "counts_only", "daily_limit"}


def test_dates_buckets(portal_for, partner_user, psi_policy, other_partner):
    today = timezone.localdate()
    for name, days in (("Soon", 5), ("Later", 60), ("Much Later", 400)):
        DealFactory(
            partner=other_partner,
            account=AccountFactory(name=f"{name} Inc", domain=f"{name.lower().replace(' ', '')}.example"),
            protected_until=today + timedelta(days=days),
        )
    psi_policy(show_dates=True)
    rows = prospects(("x", "soon.example", "US"), ("x", "later.example", "US"), ("x", "muchlater.example", "US"))
    answers = cli.check(rows, portal=portal_for(partner_user)).answers
    assert answers == [
        ("protected", (today + timedelta(days=30)).isoformat()),
        ("protected", (today + timedelta(days=90)).isoformat()),
        ("protected", None),
    ]


def test_direct_accounts_follow_the_rules_of_engagement(portal_for, partner_user, psi_policy):
    from policy.selectors import current_policy  # noqa: PLC0415

    DirectAccountFactory(name="Direct Industries", domain="direct.example")
    psi_policy()
    assert cli.check(prospects(("D", "direct.example", "US")), portal=portal_for(partner_user)).answers == [
        ("direct", None)
    ]
    assert current_policy().direct_account_handling != "allow"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_checks_at_once_cannot_both_pass_the_limit(psi_policy):
    psi_policy(daily_limit=10)
    partner = PartnerFactory()
    users = [PartnerAdminFactory(partner=partner), UserFactory(partner=partner)]
    for user in users:
        user.refresh_from_db()
    barrier = threading.Barrier(len(users))
    outcomes = []

    def take(user):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                services._take_from_limit(user.partner_id, 6, 10)
            outcomes.append("ok")
        except Exception as error:  # noqa: BLE001 - counted below
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ValidationError", "ok"]
    assert DailyUsage.objects.get(partner=partner).prospects == 6


def test_a_partner_without_registrations_and_an_empty_program(portal_for, partner_user, psi_policy):
    psi_policy()  # no account, no registration: every set is empty
    result = cli.check(prospects(("Anyone", "anyone.example", "US")), portal=portal_for(partner_user))
    assert result.answers == [("open", None)]


@pytest.mark.parametrize("items", [0, 1, 4, 300])
def test_setups_of_any_size_at_the_default_limit(items):
    from availability.setups import build_setup_bytes  # noqa: PLC0415

    key = psi_lib.server.CreateWithNewKey(True).GetPrivateKeyBytes()
    keys = [f"d:k{i}.example" for i in range(items)]
    setup = psi_lib.ServerSetup()
    setup.ParseFromString(build_setup_bytes(key, keys, 2 * 5000))
    client = psi_lib.client.CreateWithNewKey(True)
    request = client.CreateRequest(["d:k0.example", "d:none.example"])
    response = psi_lib.server.CreateFromKey(key, True).ProcessRequest(request)
    assert client.GetIntersection(setup, response) == ([0] if items else [])
