"""The availability pages: the partner's check page and the program admin's policy page."""

import pytest

from availability.models import AvailabilityPolicy, CheckRecord

pytestmark = pytest.mark.django_db


def test_the_program_admin_publishes_versions_and_sees_the_audit(client_for, program_admin, partner_user):
    CheckRecord.objects.create(partner=partner_user.partner, user=partner_user, prospects=42, channel="web")
    client = client_for(program_admin)
    page = client.get("/availability/policy/")
    assert page.status_code == 200 and "No version yet" in page.content.decode()
    assert "42" in page.content.decode() and partner_user.partner.name in page.content.decode()
    reply = client.post(
        "/availability/policy/", {"enabled": "on", "who": "partner_users", "daily_limit": "1000", "show_dates": "on"}
    )
    assert reply.status_code == 302
    first = AvailabilityPolicy.objects.get()
    assert (first.version, first.enabled, first.daily_limit, first.show_dates) == (1, True, 1000, True)
    client.post("/availability/policy/", {"who": "partner_admins", "daily_limit": "5000"})
    assert list(AvailabilityPolicy.objects.order_by("version").values_list("version", "enabled")) == [
        (1, True),
        (2, False),
    ]
    assert client.post("/availability/policy/", {"who": "partner_admins", "daily_limit": "0"}).status_code == 400


def test_partners_may_not_change_the_policy(client_for, partner_admin):
    assert client_for(partner_admin).get("/availability/policy/").status_code == 403


def test_the_check_page_follows_the_policy(client_for, partner_user, psi_policy, django_assert_max_num_queries):
    client = client_for(partner_user)
    assert client.get("/availability/").status_code == 403
    psi_policy(daily_limit=300)
    with django_assert_max_num_queries(25):
        page = client.get("/availability/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "typo" in text and "300" in text
    assert "wasm-unsafe-eval" in page["Content-Security-Policy"]
    assert "wasm-unsafe-eval" not in client.get("/").get("Content-Security-Policy", "")
