"""Settings > Commission plans: plans, new rules and ending a rule, each audited and effective at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions.models import CommissionEntry, CommissionPlan, CommissionRule, RuleKind
from commissions.rules import compute_entries_for_deals
from partners.models import PartnerType
from prm.models import AuditEntry
from tests.commissions.factories import RuleFactory, WonDealFactory

pytestmark = pytest.mark.django_db


def _plan(partner_type=PartnerType.RESELLER):
    return CommissionPlan.objects.get(partner_type=partner_type)


def _rule_data(**changes):
    data = {
        "name": "Launch bounty",
        "kind": RuleKind.BOUNTY,
        "flat_amount": "250.00",
        "currency": "USD",
        "billing_months": "12",
        "cap_period": "quarter",
        "valid_from": (timezone.localdate() - timedelta(days=30)).isoformat(),
    }
    data.update(changes)
    return data


def test_a_new_rule_is_audited_and_pays_on_the_next_won_deal(client_for, program_admin):
    plan = _plan()
    response = client_for(program_admin).post(reverse("commissions:rule_new", args=[plan.pk]), _rule_data())
    assert response.status_code == 302, response.context and response.context["form"].errors
    rule = CommissionRule.objects.get(name="Launch bounty")
    assert rule.plan == plan
    assert AuditEntry.objects.filter(object_id=rule.pk, action="create", content_type__model="commissionrule").exists()
    deal = WonDealFactory()
    assert deal.partner.partner_type == PartnerType.RESELLER
    compute_entries_for_deals([deal.pk])
    assert CommissionEntry.objects.filter(deal=deal, rule=rule).exists()


def test_an_inactive_plan_pays_nothing(client_for, program_admin):
    plan = _plan()
    data = {"name": plan.name, "partner_type": plan.partner_type, "description": plan.description}
    response = client_for(program_admin).post(reverse("commissions:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.active is False
    entry = AuditEntry.objects.get(object_id=plan.pk, action="update", content_type__model="commissionplan")
    assert entry.changes["active"] == ["True", "False"]
    deal = WonDealFactory()
    compute_entries_for_deals([deal.pk])
    assert not CommissionEntry.objects.filter(deal=deal).exists()


def test_a_new_plan_for_a_type_without_one(client_for, program_admin):
    CommissionPlan.objects.filter(partner_type=PartnerType.AFFILIATE).delete()
    data = {"name": "Affiliate plan", "partner_type": PartnerType.AFFILIATE, "active": "on"}
    response = client_for(program_admin).post(reverse("commissions:plan_new"), data)
    assert response.status_code == 302
    assert _plan(PartnerType.AFFILIATE).name == "Affiliate plan"


def test_ending_a_rule_retires_it_without_deleting_it(client_for, program_admin):
    rule = RuleFactory(plan=_plan())
    last_day = timezone.localdate()
    response = client_for(program_admin).post(
        reverse("commissions:rule_end", args=[rule.pk]), {"last_day": last_day.isoformat()}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.valid_to == last_day and not rule.in_force_on(last_day + timedelta(days=1))
    assert AuditEntry.objects.filter(object_id=rule.pk, action="end").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"flat_amount": ""}, "flat_amount"),
        ({"kind": RuleKind.FIRST_YEAR, "flat_amount": ""}, "rate"),
        ({"kind": RuleKind.FIRST_YEAR, "rate": "5"}, "rate"),
        ({"currency": "XXX1"}, "currency"),
        ({"valid_from": "1900-01-01"}, "valid_from"),
        ({"billing_months": "7"}, "billing_months"),
    ],
)
def test_invalid_rules_get_field_messages(client_for, program_admin, changes, field):
    plan = _plan()
    response = client_for(program_admin).post(reverse("commissions:rule_new", args=[plan.pk]), _rule_data(**changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not CommissionRule.objects.filter(name="Launch bounty").exists()


def test_invalid_plan_and_end_day_get_field_messages(client_for, program_admin):
    client = client_for(program_admin)
    duplicate = {"name": "Second", "partner_type": PartnerType.RESELLER}
    response = client.post(reverse("commissions:plan_new"), duplicate)
    assert response.status_code == 400 and response.context["form"].errors["partner_type"]
    rule = RuleFactory(plan=_plan())
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(reverse("commissions:rule_end", args=[rule.pk]), {"last_day": past})
    assert response.status_code == 400 and response.context["form"].errors["last_day"]


@pytest.mark.parametrize(("who", "status"), [("channel_manager", 403), ("finance_user", 403), ("partner_admin", 404)])
def test_only_program_admins_change_plans(request, client_for, who, status):
    plan = _plan()
    client = client_for(request.getfixturevalue(who))
    assert client.post(reverse("commissions:rule_new", args=[plan.pk]), _rule_data()).status_code == status
    assert client.post(reverse("commissions:plan_edit", args=[plan.pk]), {"name": "x"}).status_code == status
    assert not CommissionRule.objects.filter(name="Launch bounty").exists()
    plan.refresh_from_db()
    assert plan.active
