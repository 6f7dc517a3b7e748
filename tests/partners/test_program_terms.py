"""Terms partners are told = terms applied (docs/program-terms.md).

Tier cards, the landing page, "Partner with us", the partner home, the partner page and the API show the
commission of the partner type's plan, the protection days of the rules-of-engagement version in force and
the MDF accrual rate the accrual service applies; a type without a plan says that it earns no commission.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commissions.models import CommissionEntry, CommissionPlan, EntryKind, RuleKind
from commissions.rules import compute_entries_for_deals
from deals import services as deal_services
from deals.registration import decision as engine
from demo.commissions import _plans_for_every_type
from mdf.models import EntryKind as FundEntryKind
from mdf.models import FundEntry, MdfAccrualRate
from mdf.selectors import accrual_rate
from partners import program_terms
from partners.models import PartnerType, Tier
from policy import services as policy_services
from policy.selectors import current_policy, protection_days
from tests.commissions.factories import RuleFactory, WonDealFactory
from tests.deals.factories import DealFactory
from tests.factories import PartnerFactory, UserFactory, tier

pytestmark = pytest.mark.django_db

TIERS_URL = "/api/v1/tiers/"
# Types the migrations give a plan (the DESIGN defaults); the others have none until the demo or a program
# admin adds one.
MIGRATION_PLANS = {"referral", "reseller", "affiliate", "oem"}


def publish_platinum_150(program_admin):
    draft = policy_services.create_draft(actor=program_admin)
    platinum = str(tier("Platinum").pk)
    draft = policy_services.update_draft(
        policy=draft,
        actor=program_admin,
        data={"protection_days_by_tier": {**draft.protection_days_by_tier, platinum: 150}},
    )
    return policy_services.publish(
        policy=draft, actor=program_admin, effective_from=timezone.now() - timedelta(minutes=1), confirm=True
    )


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- the pages -----------------------------------------------------------------------------------------


def test_partner_home_shows_the_reseller_plan_rate_not_a_tier_copy(client_for, partner_user):
    assert partner_user.partner.partner_type == PartnerType.RESELLER and partner_user.partner.tier.name == "Gold"
    page = html(client_for(partner_user).get("/"))
    assert "30 % of first-year contract value" in page
    assert "15 %" not in page and "10 %" not in page


def test_landing_and_partner_with_us_show_every_type_with_its_plan_rate(client):
    for url in ("/", "/partner-with-us/"):
        page = html(client.get(url))
        assert 'data-testid="commission-table"' in page
        # Reseller at Gold (rank 2) earns 30 %, at Platinum 40 %; referral at Gold 15 %.
        assert 'data-testid="commission-reseller-2">30 % of first-year contract value' in page
        assert 'data-testid="commission-reseller-3">40 % of first-year contract value' in page
        assert 'data-testid="commission-referral-2">15 % of first-year contract value' in page
        assert "referral commission" not in page


def test_a_type_without_a_plan_says_it_earns_no_commission(client, client_for):
    assert not CommissionPlan.objects.filter(partner_type="systems_integrator").exists()
    page = html(client.get("/partner-with-us/"))
    cell = page.split('data-testid="commission-systems_integrator-0">')[1].split("</td>")[0]
    assert "No commission" in cell and "No commission plan covers this partner type." in cell
    integrator = PartnerFactory(partner_type="systems_integrator", tier=tier("Gold"))
    home = html(client_for(UserFactory(partner=integrator)).get("/"))
    assert "No commission plan covers this partner type." in home


def test_a_paused_plan_is_shown_as_paying_nothing(client_for, partner_user):
    CommissionPlan.objects.filter(partner_type="reseller").update(active=False)
    page = html(client_for(partner_user).get("/"))
    assert "The commission plan of this partner type is paused." in page
    assert "30 %" not in page


def test_after_publishing_v2_platinum_pages_say_150_days(client, client_for, program_admin):
    platinum = PartnerFactory(tier=tier("Platinum"))
    user = UserFactory(partner=platinum)
    assert "120-day deal protection" in html(client_for(user).get("/"))
    publish_platinum_150(program_admin)
    assert "150-day deal protection" in html(client_for(user).get("/"))
    assert "150-day deal protection" in html(client_for(user).get(f"/partners/{platinum.pk}/"))
    client.logout()
    for url in ("/", "/partner-with-us/"):
        page = html(client.get(url))
        card = page.split('data-testid="tier-card-3"')[1].split("</ul>")[0]
        assert "150-day deal protection" in card and "120-day" not in card
    # ... and it is what a registration approved today gets.
    today = timezone.localdate()
    assert engine.approval_protected_until(current_policy(), platinum.tier_id, today) == today + timedelta(days=150)


def test_tier_cards_show_the_mdf_rate_the_accrual_service_applies(
    client, client_for, partner_user, channel_manager, django_capture_on_commit_callbacks
):
    MdfAccrualRate.objects.filter(tier=tier("Gold")).update(rate=Decimal("0.0400"))
    card = html(client.get("/partner-with-us/")).split('data-testid="tier-card-2"')[1].split("</ul>")[0]
    assert "MDF: 4 % of won deals" in card and "3 %" not in card
    assert "MDF: 4 % of won deals" in html(client_for(partner_user).get("/"))
    deal = DealFactory(partner=partner_user.partner)
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.mark_won(
            deal=deal, actor=channel_manager, amount=Decimal("10000"), close_date=timezone.localdate()
        )
    assert FundEntry.objects.get(kind=FundEntryKind.ACCRUAL, deal=deal).amount == Decimal("400.00")


def test_tier_copies_are_gone_from_the_extra_benefits():
    for t in Tier.objects.all():
        assert not any(
            "deal protection" in phrase or "Market development funds (" in phrase for phrase in t.extra_benefits
        )


# --- the API ---------------------------------------------------------------------------------------------


def test_tiers_api_gives_the_callers_plan_rate_and_every_type(api_for, partner_user, channel_manager, program_admin):
    publish_platinum_150(program_admin)
    rows = {t["name"]: t["benefits"] for t in api_for(partner_user).get(TIERS_URL).json()["results"]}
    assert rows["Gold"]["commission_rate"] == "0.3000" and rows["Platinum"]["commission_rate"] == "0.4000"
    assert rows["Platinum"]["protection_days"] == 150 and rows["Gold"]["protection_days"] == 90
    assert rows["Gold"]["mdf_accrual_rate"] == f"{accrual_rate(tier('Gold').pk):.4f}" == "0.0300"
    si = next(c for c in rows["Gold"]["commissions"] if c["partner_type"] == "systems_integrator")
    assert si == {
        "partner_type": "systems_integrator",
        "rate": "0.0000",
        "earns_commission": False,
        "plan": "",
        "note": "No commission plan covers this partner type.",
    }
    internal = {t["name"]: t["benefits"] for t in api_for(channel_manager).get(TIERS_URL).json()["results"]}
    assert internal["Gold"]["commission_rate"] is None  # no type of its own: see `commissions`
    assert len(internal["Gold"]["commissions"]) == len(PartnerType.values)


def test_tier_progress_api_carries_the_partners_own_terms(api_for, partner_user):
    body = api_for(partner_user).get(f"/api/v1/partners/{partner_user.partner_id}/tier-progress/").json()
    assert body["benefits"]["commission_rate"] == "0.3000"
    assert body["benefits"]["protection_days"] == protection_days(partner_user.partner.tier_id) == 90


# --- every partner type x tier: shown = applied -----------------------------------------------------------


@pytest.mark.parametrize("with_demo_plans", [False, True], ids=["migration-plans", "demo-plans"])
@pytest.mark.parametrize("partner_type", PartnerType.values)
def test_shown_commission_and_mdf_equal_what_a_won_deal_earns(
    partner_type, with_demo_plans, api_for, channel_manager, django_capture_on_commit_callbacks
):
    if with_demo_plans:
        _plans_for_every_type()
    for t in Tier.objects.ranked():
        partner = PartnerFactory(partner_type=partner_type, tier=t)
        user = UserFactory(partner=partner)
        shown = api_for(user).get(f"/api/v1/partners/{partner.pk}/tier-progress/").json()["benefits"]
        deal = DealFactory(partner=partner)
        with django_capture_on_commit_callbacks(execute=True):
            deal_services.mark_won(
                deal=deal, actor=channel_manager, amount=Decimal("10000"), close_date=timezone.localdate()
            )
        entries = list(CommissionEntry.objects.filter(deal=deal, kind=EntryKind.COMMISSION))
        applied = sum((e.rate for e in entries), Decimal("0"))
        assert Decimal(shown["commission_rate"]) == applied, (partner_type, t.name)
        assert sum((e.amount for e in entries), Decimal("0")) == Decimal("10000") * applied
        earns = bool(entries)
        assert (shown["commission_note"] == "") is earns
        if not with_demo_plans:
            assert earns is (partner_type in MIGRATION_PLANS)
        else:
            assert earns, f"{partner_type} at {t.name} has a demo plan"
        accrued = FundEntry.objects.filter(kind=FundEntryKind.ACCRUAL, deal=deal).values_list("amount", flat=True)
        assert sum(accrued, Decimal("0")) == Decimal("10000") * Decimal(shown["mdf_accrual_rate"])


def test_the_selector_follows_effective_dated_rules():
    """A rule that ends yesterday and its successor from today: today's terms are the successor's, and a deal
    closed yesterday earned the old rate (the engine's rule_covers decides both)."""
    today = timezone.localdate()
    plan = CommissionPlan.objects.get(partner_type="affiliate")
    old = plan.rules.get()
    old.valid_to = today - timedelta(days=1)
    old.save()
    RuleFactory(plan=plan, kind=RuleKind.FIRST_YEAR, rate=Decimal("0.3500"), valid_from=today)
    silver = tier("Silver")
    assert program_terms.tier_terms(silver, "affiliate").commission.rate == Decimal("0.3500")
    assert program_terms.tier_terms(silver, "affiliate", on=today - timedelta(days=1)).commission.rate == Decimal("0.3")
    deal = WonDealFactory(partner=PartnerFactory(partner_type="affiliate", tier=silver), close_date=today, amount=100)
    compute_entries_for_deals([deal.pk])
    assert CommissionEntry.objects.get(deal=deal).rate == Decimal("0.3500")


def test_a_missing_provider_is_an_error_not_a_zero(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delitem(program_terms._PROVIDERS, "mdf_accrual_rate")
    with pytest.raises(ImproperlyConfigured):
        program_terms.program_terms()
