"""The rules engine: every rule kind, caps, effective dating, rounding, spiff eligibility, clawbacks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from commissions import services
from commissions.models import CommissionEntry, CommissionRule, EntryKind, RuleKind, SpiffKind
from commissions.rules import compute_entries_for_deals
from deals import services as deal_services
from tests.commissions.factories import RuleFactory, SpiffFactory, WonDealFactory
from tests.factories import PartnerFactory, tier

pytestmark = pytest.mark.django_db

D = Decimal


def si_partner(tier_name="Silver"):
    return PartnerFactory(partner_type="systems_integrator", tier=tier(tier_name))


def amounts(deal, kind=EntryKind.COMMISSION):
    return sorted(CommissionEntry.objects.filter(deal=deal, kind=kind).values_list("amount", flat=True))


def test_default_plans_pay_referral_10_and_15_percent_gold_and_up_of_first_year_value():
    silver = PartnerFactory(partner_type="referral", tier=tier("Silver"))
    gold = PartnerFactory(partner_type="referral", tier=tier("Gold"))
    a, b = WonDealFactory(partner=silver, amount=D("10000.00")), WonDealFactory(partner=gold, amount=D("10000.00"))
    compute_entries_for_deals([a.pk, b.pk])
    assert amounts(a) == [D("1000.00")]
    assert amounts(b) == [D("1500.00")]


@pytest.mark.parametrize(
    ("partner_type", "tier_name", "expected"),
    [
        ("reseller", "Gold", "3000.00"),
        ("reseller", "Platinum", "4000.00"),
        ("affiliate", "Registered", "3000.00"),
        ("oem", "Silver", "5000.00"),
    ],
)
def test_default_plans_by_type_and_tier(partner_type, tier_name, expected):
    deal = WonDealFactory(partner=PartnerFactory(partner_type=partner_type, tier=tier(tier_name)), amount=D("10000"))
    compute_entries_for_deals([deal.pk])
    assert amounts(deal) == [D(expected)]


def test_a_replayed_computation_adds_nothing():
    deal = WonDealFactory(partner=PartnerFactory(partner_type="reseller", tier=tier("Gold")))
    assert compute_entries_for_deals([deal.pk]) == 1
    assert compute_entries_for_deals([deal.pk]) == 0
    assert CommissionEntry.objects.filter(deal=deal).count() == 1


def test_the_database_refuses_a_second_entry_for_the_same_deal_and_rule():
    deal = WonDealFactory(partner=PartnerFactory(partner_type="reseller", tier=tier("Gold")))
    compute_entries_for_deals([deal.pk])
    entry = CommissionEntry.objects.get(deal=deal)
    entry.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()


def test_amounts_are_rounded_half_up_once_per_entry():
    partner = si_partner()
    RuleFactory(rate=D("0.1250"))
    deal = WonDealFactory(partner=partner, amount=D("100.04"))  # 12.505 -> 12.51 (half-up, not banker's 12.50)
    compute_entries_for_deals([deal.pk])
    entry = CommissionEntry.objects.get(deal=deal)
    assert entry.amount == D("12.51") and entry.rate == D("0.1250") and entry.base_amount == D("100.04")


def test_a_deal_not_won_earns_nothing():
    deal = WonDealFactory(partner=PartnerFactory(partner_type="reseller", tier=tier("Gold")), status="approved")
    assert compute_entries_for_deals([deal.pk]) == 0


def test_one_off_bounty_is_a_flat_amount():
    partner = si_partner()
    RuleFactory(kind=RuleKind.BOUNTY, rate=None, flat_amount=D("500.00"))
    deal = WonDealFactory(partner=partner, amount=D("123456.78"))
    compute_entries_for_deals([deal.pk])
    assert amounts(deal) == [D("500.00")]


def test_a_bounty_in_another_currency_does_not_apply():
    partner = si_partner()
    RuleFactory(kind=RuleKind.BOUNTY, rate=None, flat_amount=D("500.00"), currency="EUR")
    deal = WonDealFactory(partner=partner)
    assert compute_entries_for_deals([deal.pk]) == 0


def test_recurring_rule_for_a_term_accrues_one_entry_per_billing_period_that_has_begun():
    partner = si_partner()
    rule = RuleFactory(kind=RuleKind.RECURRING, rate=D("0.1000"), billing_months=1, term_months=6)
    deal = WonDealFactory(partner=partner, amount=D("12000.00"), close_date=date(2026, 1, 31))
    compute_entries_for_deals([deal.pk], today=date(2026, 3, 30))
    entries = CommissionEntry.objects.filter(deal=deal, rule=rule).order_by("earned_on")
    # 31 Jan, 28 Feb (clamped), 31 Mar not yet begun on 30 Mar
    assert [e.period_key for e in entries] == ["2026-01", "2026-02"]
    assert {e.amount for e in entries} == {D("100.00")}
    services.accrue_recurring(today=date(2026, 12, 31))
    assert CommissionEntry.objects.filter(deal=deal, rule=rule).count() == 6  # the term ends after 6 periods
    services.accrue_recurring(today=date(2027, 12, 31))
    assert CommissionEntry.objects.filter(deal=deal, rule=rule).count() == 6


def test_lifetime_recurring_rule_keeps_accruing_quarterly():
    partner = si_partner()
    rule = RuleFactory(kind=RuleKind.RECURRING, rate=D("0.0500"), billing_months=3, term_months=None)
    deal = WonDealFactory(partner=partner, amount=D("10000.00"), close_date=date(2025, 1, 15))
    compute_entries_for_deals([deal.pk], today=date(2026, 1, 15))
    assert CommissionEntry.objects.filter(deal=deal, rule=rule).count() == 5
    assert set(amounts(deal)) == {D("125.00")}  # 10000 x 3/12 x 5 %


def test_cap_per_entry():
    partner = si_partner()
    RuleFactory(rate=D("0.2000"), cap_per_entry=D("1000.00"))
    deal = WonDealFactory(partner=partner, amount=D("50000.00"))
    compute_entries_for_deals([deal.pk])
    entry = CommissionEntry.objects.get(deal=deal)
    assert entry.amount == D("1000.00") and "capped" in entry.description


def test_cap_per_partner_and_period_across_deals_and_runs():
    partner = si_partner()
    RuleFactory(rate=D("0.1000"), cap_per_partner_period=D("2500.00"), cap_period="quarter")
    first = WonDealFactory(partner=partner, amount=D("20000.00"), close_date=date(2026, 1, 10))
    second = WonDealFactory(partner=partner, amount=D("20000.00"), close_date=date(2026, 2, 10))
    compute_entries_for_deals([first.pk, second.pk])
    assert amounts(first) == [D("2000.00")] and amounts(second) == [D("500.00")]
    third = WonDealFactory(partner=partner, amount=D("20000.00"), close_date=date(2026, 3, 1))
    compute_entries_for_deals([third.pk])
    assert amounts(third) == []  # nothing left this quarter
    next_quarter = WonDealFactory(partner=partner, amount=D("20000.00"), close_date=date(2026, 4, 1))
    compute_entries_for_deals([next_quarter.pk])
    assert amounts(next_quarter) == [D("2000.00")]
    other = WonDealFactory(partner=si_partner(), amount=D("20000.00"), close_date=date(2026, 1, 10))
    compute_entries_for_deals([other.pk])
    assert amounts(other) == [D("2000.00")]  # caps are per partner


def test_the_rule_in_force_at_the_close_date_applies_and_a_rate_change_never_changes_entries(program_admin):
    partner = si_partner()
    rule = RuleFactory(rate=D("0.1000"), valid_from=date(2025, 1, 1))
    before = WonDealFactory(partner=partner, amount=D("1000.00"), close_date=date(2026, 2, 28))
    compute_entries_for_deals([before.pk])
    successor = services.change_rule_rate(
        rule=rule, actor=program_admin, rate=D("0.2000"), effective_from=date(2026, 3, 1)
    )
    rule.refresh_from_db()
    assert rule.valid_to == date(2026, 2, 28) and successor.valid_from == date(2026, 3, 1)
    late = WonDealFactory(partner=partner, amount=D("1000.00"), close_date=date(2026, 2, 27))
    after = WonDealFactory(partner=partner, amount=D("1000.00"), close_date=date(2026, 3, 1))
    compute_entries_for_deals([before.pk, late.pk, after.pk])
    assert amounts(before) == [D("100.00")]  # unchanged
    assert amounts(late) == [D("100.00")]  # closed while the old rule was in force
    assert amounts(after) == [D("200.00")]
    assert CommissionRule.objects.filter(plan=rule.plan).count() == 2


def test_rules_cover_a_tier_range():
    RuleFactory(rate=D("0.1000"), max_tier=tier("Silver"))
    RuleFactory(rate=D("0.2000"), min_tier=tier("Gold"))
    low, high = WonDealFactory(partner=si_partner("Registered")), WonDealFactory(partner=si_partner("Platinum"))
    compute_entries_for_deals([low.pk, high.pk])
    assert amounts(low) == [D("2500.00")] and amounts(high) == [D("5000.00")]


# --- spiffs -------------------------------------------------------------------------------------------


def gold_reseller():
    return PartnerFactory(partner_type="reseller", tier=tier("Gold"))


def test_spiff_extra_rate_and_flat_amount():
    SpiffFactory(rate=D("0.0200"))
    SpiffFactory(kind=SpiffKind.FLAT, rate=None, flat_amount=D("250.00"))
    deal = WonDealFactory(partner=gold_reseller(), amount=D("10000.00"))
    compute_entries_for_deals([deal.pk])
    assert amounts(deal, EntryKind.SPIFF) == [D("200.00"), D("250.00")]
    assert compute_entries_for_deals([deal.pk]) == 0


@pytest.mark.parametrize(
    ("overrides", "deal_overrides", "earns"),
    [
        ({"min_deal_amount": D("10000.00")}, {"amount": D("10000.00")}, True),  # the minimum itself qualifies
        ({"min_deal_amount": D("10000.00")}, {"amount": D("9999.99")}, False),
        ({"products": ["platform"]}, {"product": " Platform "}, True),
        ({"products": ["Analytics add-on"]}, {"product": "Platform"}, False),
        ({"partner_types": ["reseller"]}, {}, True),
        ({"partner_types": ["referral"]}, {}, False),
        ({"min_tier_name": "Gold"}, {}, True),  # Gold partner, Gold minimum
        ({"min_tier_name": "Platinum"}, {}, False),
        ({"window": (0, 0)}, {}, True),  # the spiff's only day is the close date
        ({"window": (1, 5)}, {}, False),  # starts the day after the close date
        ({"window": (-5, -1)}, {}, False),  # ended the day before
        ({"active": False}, {}, False),
        ({"currency": "EUR"}, {}, False),  # no EUR rate yet: the USD deal cannot be converted (not decided)
    ],
)
def test_spiff_eligibility_edges(overrides, deal_overrides, earns):
    close = date(2026, 6, 15)
    min_tier_name = overrides.pop("min_tier_name", None)
    if min_tier_name:
        overrides["min_tier"] = tier(min_tier_name)
    start, end = overrides.pop("window", (-10, 10))
    SpiffFactory(starts_on=close + timedelta(days=start), ends_on=close + timedelta(days=end), **overrides)
    deal = WonDealFactory(partner=gold_reseller(), close_date=close, **deal_overrides)
    compute_entries_for_deals([deal.pk])
    assert bool(amounts(deal, EntryKind.SPIFF)) is earns


# --- events: won, reopened (clawback), won again ------------------------------------------------------


def test_deal_won_event_creates_entries_and_reopen_claws_them_back(
    partner, partner_user, channel_manager, django_capture_on_commit_callbacks
):
    SpiffFactory(rate=D("0.0100"))
    deal = WonDealFactory(
        partner=partner,
        status="approved",
        close_date=None,
        registered_by=partner_user,
        submitted_at=timezone.now() - timedelta(days=10),  # a close date lies after the registration
    )
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.mark_won(
            deal=deal, actor=partner_user, amount=Decimal("40000.00"), close_date=date.today() - timedelta(days=2)
        )
    entries = CommissionEntry.objects.filter(deal=deal)
    assert sorted(entries.values_list("kind", "amount")) == [("commission", D("12000.00")), ("spiff", D("400.00"))]

    with django_capture_on_commit_callbacks(execute=True):
        deal_services.reopen_deal(deal=deal, actor=channel_manager, reason="Customer cancelled in the trial period")
    clawbacks = CommissionEntry.objects.filter(deal=deal, kind=EntryKind.CLAWBACK)
    assert sorted(clawbacks.values_list("amount", flat=True)) == [D("-12000.00"), D("-400.00")]
    assert sum(entries.values_list("amount", flat=True)) == 0
    assert services.claw_back_deal(deal_id=deal.pk) == 0  # once per original entry
    # won again: a new cycle earns again, once
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.mark_won(deal=deal, actor=partner_user, amount=Decimal("10000.00"), close_date=date.today())
    assert compute_entries_for_deals([deal.pk]) == 0
    assert sum(CommissionEntry.objects.filter(deal=deal).values_list("amount", flat=True)) == D("3100.00")


def test_a_clawback_never_edits_the_original_entry(partner, channel_manager, partner_user):
    deal = WonDealFactory(partner=partner)
    compute_entries_for_deals([deal.pk])
    original = CommissionEntry.objects.get(deal=deal)
    before = (original.amount, original.status, original.description)
    services.claw_back_deal(deal_id=deal.pk, reason="reverted")
    original.refresh_from_db()
    assert (original.amount, original.status, original.description) == before
    clawback = CommissionEntry.objects.get(kind=EntryKind.CLAWBACK)
    assert clawback.original == original and clawback.amount == -original.amount and clawback.status == "pending"


def test_the_clawback_is_unique_per_original_entry(partner):
    deal = WonDealFactory(partner=partner)
    compute_entries_for_deals([deal.pk])
    services.claw_back_deal(deal_id=deal.pk)
    clawback = CommissionEntry.objects.get(kind=EntryKind.CLAWBACK)
    clawback.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        clawback.save()
