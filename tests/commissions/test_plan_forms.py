"""Program admins create and edit spiffs and contests and change rates on the plans page; others get 403."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions.models import CommissionRule, Contest, ContestStatus, Spiff
from prm.models import AuditEntry
from tests.commissions.factories import RuleFactory, SpiffFactory

pytestmark = pytest.mark.django_db


def spiff_data(**overrides):
    today = timezone.localdate()
    data = {
        "name": "Platform push",
        "kind": "extra_rate",
        "rate": "0.0500",
        "flat_amount": "",
        "currency": "usd",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
        "min_tier": "",
        "partner_types": ["reseller", "referral"],
        "products": "Northwind Flow, Platform ",
        "min_deal_amount": "25000",
        "active": "on",
    }
    data.update(overrides)
    return data


def contest_data(**overrides):
    data = {
        "name": "Big deals",
        "period": "2026-Q4",
        "min_deal_amount": "50000",
        "bonus_rate": "0.05",
        "currency": "USD",
    }
    data.update(overrides)
    return data


def test_plans_page_offers_the_forms_to_program_admins_only(client_for, program_admin, finance_user):
    rule = RuleFactory()
    page = client_for(program_admin).get(reverse("commissions:plans")).content.decode()
    assert reverse("commissions:spiff_new") in page and reverse("commissions:rule_rate", args=[rule.pk]) in page
    page = client_for(finance_user).get(reverse("commissions:plans")).content.decode()
    assert reverse("commissions:spiff_new") not in page


def test_program_admin_creates_and_edits_a_spiff(client_for, program_admin):
    client = client_for(program_admin)
    assert client.get(reverse("commissions:spiff_new")).status_code == 200
    response = client.post(reverse("commissions:spiff_new"), spiff_data())
    assert response.status_code == 302 and response["Location"] == reverse("commissions:plans")
    spiff = Spiff.objects.get(name="Platform push")
    assert spiff.rate == Decimal("0.0500") and spiff.currency == "USD"
    assert spiff.products == ["Northwind Flow", "Platform"] and spiff.partner_types == ["reseller", "referral"]
    assert AuditEntry.objects.filter(object_id=spiff.pk, action="create").exists()

    url = reverse("commissions:spiff_edit", args=[spiff.pk])
    assert "Northwind Flow, Platform" in client.get(url).content.decode()
    response = client.post(url, spiff_data(kind="flat", rate="", flat_amount="500", partner_types=[], products=""))
    assert response.status_code == 302
    spiff.refresh_from_db()
    assert spiff.kind == "flat" and spiff.flat_amount == Decimal("500.00") and spiff.products == []
    assert AuditEntry.objects.filter(object_id=spiff.pk, action="update").exists()


def test_bad_spiff_input_shows_messages_next_to_the_fields(client_for, program_admin):
    today = timezone.localdate()
    response = client_for(program_admin).post(
        reverse("commissions:spiff_new"),
        spiff_data(rate="", ends_on=(today - timedelta(days=1)).isoformat(), min_deal_amount="-5"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "An extra-rate spiff needs a rate." in form.errors["rate"]
    assert form.errors["ends_on"] and form.errors["min_deal_amount"]
    page = response.content.decode()
    assert "An extra-rate spiff needs a rate." in page and "invalid-feedback" in page
    assert not Spiff.objects.exists()


def test_program_admin_creates_and_edits_a_contest(client_for, program_admin):
    client = client_for(program_admin)
    assert client.get(reverse("commissions:contest_new")).status_code == 200
    response = client.post(reverse("commissions:contest_new"), contest_data())
    contest = Contest.objects.get()
    assert response.status_code == 302 and response["Location"] == contest.get_absolute_url()
    assert contest.bonus_rate == Decimal("0.0500") and contest.min_deal_amount == Decimal("50000.00")
    url = reverse("commissions:contest_edit", args=[contest.pk])
    assert client.post(url, contest_data(name="Bigger deals", min_deal_amount="75000")).status_code == 302
    contest.refresh_from_db()
    assert contest.name == "Bigger deals" and contest.min_deal_amount == Decimal("75000.00")
    assert AuditEntry.objects.filter(object_id=contest.pk, action="update").exists()


def test_bad_contest_period_is_shown_next_to_the_field(client_for, program_admin):
    response = client_for(program_admin).post(reverse("commissions:contest_new"), contest_data(period="Q4-2026"))
    assert response.status_code == 400
    assert "Use a month like 2026-11" in response.context["form"].errors["period"][0]
    assert not Contest.objects.exists()


def test_a_resolved_contest_cannot_change(client_for, program_admin):
    contest = Contest.objects.create(
        name="Old", period="2025-Q1", min_deal_amount=1, bonus_rate="0.05", status=ContestStatus.RESOLVED
    )
    response = client_for(program_admin).post(reverse("commissions:contest_edit", args=[contest.pk]), contest_data())
    assert response.status_code == 400 and "resolved" in response.content.decode()
    contest.refresh_from_db()
    assert contest.name == "Old"


def test_program_admin_changes_a_rate_with_effective_dating(client_for, program_admin):
    rule = RuleFactory(rate=Decimal("0.1000"))
    client = client_for(program_admin)
    url = reverse("commissions:rule_rate", args=[rule.pk])
    assert client.get(url).status_code == 200
    day = timezone.localdate() + timedelta(days=1)
    response = client.post(url, {"rate": "0.1200", "effective_from": day.isoformat()})
    assert response.status_code == 302
    rule.refresh_from_db()
    successor = CommissionRule.objects.exclude(pk=rule.pk).get(plan=rule.plan, name=rule.name)
    assert rule.valid_to == day - timedelta(days=1) and rule.rate == Decimal("0.1000")
    assert successor.rate == Decimal("0.1200") and successor.valid_from == day


def test_bad_rate_change_shows_the_service_message_next_to_the_field(client_for, program_admin):
    rule = RuleFactory()
    before = CommissionRule.objects.count()
    url = reverse("commissions:rule_rate", args=[rule.pk])
    response = client_for(program_admin).post(url, {"rate": "0.2", "effective_from": rule.valid_from.isoformat()})
    assert response.status_code == 400
    assert "must start after" in response.context["form"].errors["effective_from"][0]
    response = client_for(program_admin).post(url, {"rate": "3", "effective_from": "2030-01-01"})
    assert response.status_code == 400 and response.context["form"].errors["rate"]
    assert CommissionRule.objects.count() == before


@pytest.mark.parametrize("who", ["finance_user", "partner_admin", "channel_manager"])
def test_other_roles_get_403(request, client_for, who):
    """403 where the caller may see the object; a partner user asking for an internal spiff or rule gets 404
    (outside its tenancy, docs/api.md: Errors), while contests are shown to partners, so editing one is 403."""
    rule, spiff = RuleFactory(), SpiffFactory()
    contest = Contest.objects.create(name="C", period="2026-Q4", min_deal_amount=1, bonus_rate="0.05")
    client = client_for(request.getfixturevalue(who))
    rules = CommissionRule.objects.count()
    hidden = 404 if who == "partner_admin" else 403
    urls = [
        (reverse("commissions:spiff_new"), 403),
        (reverse("commissions:spiff_edit", args=[spiff.pk]), hidden),
        (reverse("commissions:contest_new"), 403),
        (reverse("commissions:contest_edit", args=[contest.pk]), 403),
        (reverse("commissions:rule_rate", args=[rule.pk]), hidden),
    ]
    for url, refused in urls:
        assert client.get(url).status_code == refused, url
        assert client.post(url, spiff_data()).status_code == refused, url
    assert Spiff.objects.count() == 1 and CommissionRule.objects.count() == rules
