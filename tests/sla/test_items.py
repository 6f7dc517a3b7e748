"""Open items waiting on the vendor: clocks, SLAs, scoping by role and tenancy, and the program's medians."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role
from deals.models import DealStatus
from mdf.models import ClaimStatus, MdfClaim
from policy.models import PolicyStatus, RoePolicy
from sla import selectors
from sla.registry import kinds_for
from tests.deals.factories import DealFactory
from tests.factories import InternalUserFactory
from tests.sla.helpers import at, decided_deal, draft_batch, submitted_deal, waiting_claim

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 11, 2)


def keys(items):
    return [(item.kind_key, item.object_id) for item in items]


def test_a_submitted_registration_waits_against_the_policy_approval_sla(partner, partner_admin):
    deal = submitted_deal(partner, MONDAY)
    on_wednesday = at(2026, 11, 4, 23, 0)
    (item,) = selectors.open_items(partner_admin, now=on_wednesday)
    assert (item.kind_key, item.object_id, item.partner_id) == ("deal", deal.pk, partner.pk)
    assert item.sla_days == 2  # policy version 1 (migration policy 0002)
    assert item.waited_days == 2
    assert item.due_at == at(2026, 11, 5, 0, 0)  # the end of Wednesday
    assert item.due_day == date(2026, 11, 4)
    assert not item.breached
    later = selectors.open_items(partner_admin, now=at(2026, 11, 5, 0, 1))[0]
    assert later.breached and later.waited_days == 3


def test_the_sla_of_a_registration_is_the_policy_in_force_when_it_was_submitted(partner, partner_admin):
    RoePolicy.objects.create(
        version=2, status=PolicyStatus.PUBLISHED, approval_sla_business_days=5, effective_from=at(2026, 11, 10)
    )
    before = submitted_deal(partner, MONDAY)
    after = submitted_deal(partner, at(2026, 11, 11))
    items = {item.object_id: item for item in selectors.open_items(partner_admin, now=at(2026, 11, 12))}
    assert items[before.pk].sla_days == 2
    assert items[after.pk].sla_days == 5


def test_only_items_waiting_on_the_vendor_are_open(partner, partner_admin):
    pending = submitted_deal(partner, MONDAY)
    DealFactory(partner=partner, status=DealStatus.PENDING_REVIEW, submitted_at=MONDAY, protected_until=None)
    DealFactory(partner=partner, status=DealStatus.APPROVED, submitted_at=MONDAY, decided_at=MONDAY)
    DealFactory(partner=partner, status=DealStatus.DRAFT, submitted_at=None, protected_until=None)
    claim = waiting_claim(partner, MONDAY)
    batch = draft_batch(partner, MONDAY)
    found = keys(selectors.open_items(partner_admin, now=at(2026, 11, 20)))
    assert ("deal", pending.pk) in found
    assert len([k for k in found if k[0] == "deal"]) == 2
    assert ("mdf_claim", claim.pk) in found and ("payout", batch.pk) in found
    MdfClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.INFO_REQUESTED)  # now waits on the partner
    assert ("mdf_claim", claim.pk) not in keys(selectors.open_items(partner_admin, now=at(2026, 11, 20)))


def test_mdf_claims_and_payout_batches_use_their_settings(partner, partner_admin):
    claim = waiting_claim(partner, MONDAY)
    batch = draft_batch(partner, MONDAY)
    items = {item.kind_key: item for item in selectors.open_items(partner_admin, now=at(2026, 11, 13))}
    assert items["mdf_claim"].sla_days == 10 and items["mdf_claim"].object_id == claim.pk
    assert not items["mdf_claim"].breached  # 9 business days of 10
    assert items["payout"].sla_days == 5 and items["payout"].object_id == batch.pk
    assert items["payout"].breached  # 9 of 5
    with override_settings(MDF_CLAIM_SLA_BUSINESS_DAYS=3):
        claim_item = selectors.open_items(partner_admin, kind="mdf_claim", now=at(2026, 11, 13))[0]
        assert claim_item.sla_days == 3 and claim_item.breached


def test_partners_see_only_their_own_items(partner, other_partner, partner_admin, partner_user, other_partner_user):
    mine = submitted_deal(partner, MONDAY)
    theirs = submitted_deal(other_partner, MONDAY)
    batch = draft_batch(partner, MONDAY)
    assert keys(selectors.open_items(partner_admin)) == [("deal", mine.pk), ("payout", batch.pk)]
    assert keys(selectors.open_items(other_partner_user)) == [("deal", theirs.pk)]
    # Earnings are the partner admins': a partner user does not see payout batches.
    assert keys(selectors.open_items(partner_user)) == [("deal", mine.pk)]


def test_internal_scopes(partner, other_partner, channel_manager, finance_user, program_admin):
    partner.channel_manager = channel_manager
    partner.save(update_fields=["channel_manager"])
    own_deal = submitted_deal(partner, MONDAY)
    other_deal = submitted_deal(other_partner, MONDAY)
    claim = waiting_claim(other_partner, MONDAY)
    batch = draft_batch(partner, MONDAY)
    assert keys(selectors.open_items(channel_manager)) == [("deal", own_deal.pk)]  # their book; no payouts
    assert set(keys(selectors.open_items(finance_user))) == {("mdf_claim", claim.pk), ("payout", batch.pk)}
    assert set(keys(selectors.open_items(program_admin))) == {
        ("deal", own_deal.pk),
        ("deal", other_deal.pk),
        ("mdf_claim", claim.pk),
        ("payout", batch.pk),
    }
    assert {k.key for k in kinds_for(finance_user)} == {"mdf_claim", "payout"}


def test_filters_and_order(partner, other_partner, program_admin):
    late = submitted_deal(partner, MONDAY)
    fresh = submitted_deal(other_partner, at(2026, 11, 12))
    now = at(2026, 11, 12, 12)
    assert keys(selectors.open_items(program_admin, now=now)) == [("deal", late.pk), ("deal", fresh.pk)]
    assert keys(selectors.open_items(program_admin, breached=True, now=now)) == [("deal", late.pk)]
    assert keys(selectors.open_items(program_admin, breached=False, now=now)) == [("deal", fresh.pk)]
    assert keys(selectors.open_items(program_admin, partner_id=other_partner.pk, now=now)) == [("deal", fresh.pk)]
    assert selectors.open_items(program_admin, kind="payout", now=now) == []


def test_median_decision_time_per_kind_over_the_last_90_days(partner, other_partner):
    now = at(2026, 11, 20)
    decided_deal(partner, MONDAY, at(2026, 11, 4))  # 2 business days
    decided_deal(other_partner, MONDAY, at(2026, 11, 2, 17))  # same day: 0
    decided_deal(partner, MONDAY, at(2026, 11, 9))  # over the weekend: 5
    decided_deal(partner, now - timedelta(days=200), now - timedelta(days=100))  # outside the window
    result = selectors.medians(now=now, use_cache=False)
    assert result["deal"]["median_days"] == 2.0
    assert result["deal"]["decided"] == 3
    assert result["deal"]["sla_days"] == 2
    assert result["mdf_claim"]["median_days"] is None and result["mdf_claim"]["decided"] == 0


def test_medians_are_cached(partner, django_assert_num_queries):
    decided_deal(partner, timezone.now() - timedelta(days=3), timezone.now())
    first = selectors.medians()
    with django_assert_num_queries(0):
        assert selectors.medians() == first


def test_open_items_run_one_query_per_kind(partner, program_admin, django_assert_max_num_queries):
    for day in range(2, 7):
        submitted_deal(partner, at(2026, 11, day))
        draft_batch(partner, at(2026, 11, day))
    with django_assert_max_num_queries(6):  # policies + one per kind (+ the disputes table check)
        items = selectors.open_items(program_admin)
    assert len(items) == 10


def test_a_role_without_kinds_sees_nothing():
    user = InternalUserFactory(role=Role.FINANCE)
    assert all(item.kind_key in ("mdf_claim", "payout") for item in selectors.open_items(user))
