"""Tier engine and quarterly review: promotion at once, at-risk grace then demotion, overrides, idempotence."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partners import tier_engine, tier_review
from partners.models import (
    Partner,
    PartnerStatus,
    ReviewAction,
    TierChange,
    TierOverride,
    TierReview,
    TierReviewOutcome,
)
from prm.models import DomainEvent, Notification
from tests.factories import PartnerAdminFactory, PartnerFactory, tier
from tests.partners.conftest import GOLD, SILVER
from tests.partners.factories import ReferenceImplementationFactory

pytestmark = pytest.mark.django_db


def test_reference_implementations_are_counted_over_the_trailing_year(partner):
    today = timezone.localdate()
    ReferenceImplementationFactory(partner=partner, completed_on=today - timedelta(days=30))
    ReferenceImplementationFactory(partner=partner, completed_on=today - timedelta(days=400))
    since, until = tier_engine.window(today)
    assert tier_engine.measure("reference_implementations", [partner.pk], since, until)[partner.pk] == 1


def test_a_metric_without_a_provider_measures_zero(partner):
    saved = tier_engine._PROVIDERS.pop("scorecard_score", None)
    try:
        assert tier_engine.measure("scorecard_score", [partner.pk], date(2026, 1, 1), date(2027, 1, 1)) == {
            partner.pk: 0
        }
    finally:
        if saved:
            tier_engine._PROVIDERS["scorecard_score"] = saved


def test_tier_progress_lists_the_next_tiers_requirements(fake_metrics, partner):
    fake_metrics({partner.pk: {**GOLD, "registered_deals": 40, "sourced_bookings": 10}})
    progress = tier_engine.tier_progress(partner)  # partner is Gold: Platinum is next
    assert progress["tier"].name == "Gold" and progress["next_tier"].name == "Platinum"
    rows = {r["metric"]: r for r in progress["requirements"]}
    assert rows["registered_deals"]["met"] and rows["registered_deals"]["actual"] == 40
    assert not rows["sourced_bookings"]["met"] and rows["sourced_bookings"]["required"] == 2000000


def test_the_qualifying_tier_is_the_highest_fully_met():
    tiers = tier_engine.ranked_tiers()
    assert tier_engine.qualifying_tier(tiers, {}).name == "Registered"
    assert tier_engine.qualifying_tier(tiers, {k: v for k, v in SILVER.items()}).name == "Silver"
    assert tier_engine.qualifying_tier(tiers, {**GOLD, "reference_implementations": 0}).name == "Silver"
    assert tier_engine.qualifying_tier(tiers, GOLD).name == "Gold"


def test_promotions_apply_at_once_with_history_event_and_notice(fake_metrics, django_capture_on_commit_callbacks):
    partner = PartnerFactory(tier=tier("Registered"))
    admin = PartnerAdminFactory(partner=partner)
    fake_metrics({partner.pk: GOLD})
    with django_capture_on_commit_callbacks(execute=True):
        review = tier_review.run_tier_review(period="2026-Q4")
    partner.refresh_from_db()
    assert partner.tier.name == "Gold"
    change = TierChange.objects.get(partner=partner, kind="promotion")
    assert change.changed_by is None and "2026-Q4" in change.reason
    assert TierReviewOutcome.objects.get(review=review, partner=partner).action == ReviewAction.PROMOTE
    assert DomainEvent.objects.filter(name="partner.tier_changed", partner=partner).exists()
    assert Notification.objects.filter(user=admin, title__icontains="Gold").exists()


def test_short_partner_is_flagged_at_risk_then_demoted_at_the_next_review(
    fake_metrics, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(tier=tier("Gold"))
    admin = PartnerAdminFactory(partner=partner)
    fake_metrics({partner.pk: SILVER})
    with django_capture_on_commit_callbacks(execute=True):
        first = tier_review.run_tier_review(period="2026-Q3", on=date(2026, 7, 1))
    partner.refresh_from_db()
    assert partner.tier.name == "Gold"
    assert partner.at_risk_review == first and partner.at_risk_since == date(2026, 7, 1)
    assert Notification.objects.filter(user=admin, title__icontains="at risk").exists()

    second = tier_review.run_tier_review(period="2026-Q4", on=date(2026, 10, 1))
    partner.refresh_from_db()
    assert partner.tier.name == "Silver"
    assert partner.at_risk_review is None
    assert TierReviewOutcome.objects.get(review=second, partner=partner).action == ReviewAction.DEMOTE
    assert TierChange.objects.filter(partner=partner, kind="demotion", to_tier__name="Silver").exists()


def test_an_at_risk_partner_back_on_track_keeps_its_tier(fake_metrics):
    partner = PartnerFactory(tier=tier("Gold"))
    fake_metrics({partner.pk: SILVER})
    tier_review.run_tier_review(period="2026-Q3", on=date(2026, 7, 1))
    fake_metrics({partner.pk: GOLD})
    second = tier_review.run_tier_review(period="2026-Q4", on=date(2026, 10, 1))
    partner.refresh_from_db()
    assert partner.tier.name == "Gold" and partner.at_risk_review is None
    assert TierReviewOutcome.objects.get(review=second, partner=partner).action == ReviewAction.RECOVERED


def test_running_the_same_quarter_twice_changes_nothing(fake_metrics):
    short = PartnerFactory(tier=tier("Gold"))
    rising = PartnerFactory(tier=tier("Registered"))
    fake_metrics({short.pk: SILVER, rising.pk: SILVER})
    tier_review.run_tier_review(period="2026-Q4")
    snapshot = (
        list(Partner.objects.order_by("pk").values_list("tier_id", "at_risk_review_id", "at_risk_since")),
        TierChange.objects.count(),
        TierReviewOutcome.objects.count(),
        DomainEvent.objects.count(),
    )
    tier_review.run_tier_review(period="2026-Q4")
    from partners.tasks import run_quarterly_tier_review

    run_quarterly_tier_review.delay("2026-Q4").get()
    assert snapshot == (
        list(Partner.objects.order_by("pk").values_list("tier_id", "at_risk_review_id", "at_risk_since")),
        TierChange.objects.count(),
        TierReviewOutcome.objects.count(),
        DomainEvent.objects.count(),
    )
    short.refresh_from_db()
    assert short.tier.name == "Gold"  # flagged in 2026-Q4, not demoted by the rerun
    assert TierReview.objects.count() == 1


def test_keep_tier_override_spares_the_partner_at_the_next_review(fake_metrics, channel_manager):
    partner = PartnerFactory(tier=tier("Gold"))
    fake_metrics({partner.pk: SILVER})
    tier_review.run_tier_review(period="2026-Q3", on=date(2026, 7, 1))
    override = tier_review.override_tier(
        actor=channel_manager, partner=partner, decision="keep_tier", reason="Big deal closing next month"
    )
    partner.refresh_from_db()
    assert partner.at_risk_review is None
    review = tier_review.run_tier_review(period="2026-Q4", on=date(2026, 10, 1))
    partner.refresh_from_db()
    assert partner.tier.name == "Gold"
    assert TierReviewOutcome.objects.get(review=review, partner=partner).action == ReviewAction.OVERRIDDEN
    override.refresh_from_db()
    assert override.used_by_review == review
    # used once: the next quarter applies the rules again
    tier_review.run_tier_review(period="2027-Q1", on=date(2027, 1, 1))
    partner.refresh_from_db()
    assert partner.at_risk_review is not None


def test_change_tier_override_moves_the_partner_now_with_the_reason(channel_manager, partner):
    tier_review.override_tier(
        actor=channel_manager, partner=partner, decision="change_tier", to_tier=tier("Platinum"), reason="Strategic"
    )
    partner.refresh_from_db()
    assert partner.tier.name == "Platinum"
    change = TierChange.objects.get(partner=partner, to_tier__name="Platinum")
    assert change.changed_by == channel_manager and "Strategic" in change.reason
    assert TierOverride.objects.get(partner=partner).reason == "Strategic"


def test_overrides_need_a_reason_and_a_channel_role(channel_manager, partner, partner_admin):
    with pytest.raises(ValidationError):
        tier_review.override_tier(actor=channel_manager, partner=partner, decision="keep_tier", reason="")
    with pytest.raises(PermissionDenied):
        tier_review.override_tier(actor=partner_admin, partner=partner, decision="keep_tier", reason="Please")


def test_preview_lists_every_change_and_writes_nothing(fake_metrics):
    up = PartnerFactory(tier=tier("Registered"))
    down = PartnerFactory(tier=tier("Gold"))
    stay = PartnerFactory(tier=tier("Registered"))
    fake_metrics({up.pk: SILVER, down.pk: SILVER})
    preview = tier_review.preview_tier_review(period="2026-Q4")
    actions = {p.partner.pk: p.action for p in preview["proposals"]}
    assert actions[up.pk] == ReviewAction.PROMOTE
    assert actions[down.pk] == ReviewAction.FLAG_AT_RISK
    assert actions[stay.pk] == ReviewAction.KEEP
    assert not TierReview.objects.exists() and not TierChange.objects.filter(kind="promotion").exists()


def test_suspended_partners_are_not_reviewed(fake_metrics):
    partner = PartnerFactory(tier=tier("Gold"), status=PartnerStatus.SUSPENDED)
    review = tier_review.run_tier_review(period="2026-Q4")
    assert not review.outcomes.filter(partner=partner).exists()


def test_only_program_admins_run_the_review_by_hand(channel_manager):
    with pytest.raises(PermissionDenied):
        tier_review.run_tier_review(period="2026-Q4", actor=channel_manager)


def test_the_review_is_set_based(fake_metrics, django_assert_max_num_queries):
    """Partners who keep their tier cost no queries each: one provider call per metric, bulk outcome rows."""
    PartnerFactory.create_batch(40, tier=tier("Registered"))
    with django_assert_max_num_queries(25):
        tier_review.run_tier_review(period="2026-Q3")
    PartnerFactory.create_batch(80, tier=tier("Registered"))
    with django_assert_max_num_queries(25):
        tier_review.run_tier_review(period="2026-Q4")
    metrics_calls = [c for c in fake_metrics.calls if c[0] == "registered_deals"]
    assert metrics_calls[-1] == ("registered_deals", 120)  # all partners in one call
