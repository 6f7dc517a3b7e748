"""Tier engine and quarterly review (docs/tiers.md): the review of a quarter measures that quarter, promotion
at once, at-risk grace then one-step demotion at the next quarter's review, overrides, idempotence."""

from datetime import date, timedelta
from decimal import Decimal

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
        review = tier_review.run_tier_review(period="2026-Q4", on=date(2027, 1, 1))
    partner.refresh_from_db()
    assert partner.tier.name == "Gold"  # promotions skip tiers: straight to the qualifying one
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
        first = tier_review.run_tier_review(period="2026-Q3", on=date(2026, 10, 1))
    partner.refresh_from_db()
    assert partner.tier.name == "Gold"
    assert partner.at_risk_review == first and partner.at_risk_since == date(2026, 10, 1)
    assert Notification.objects.filter(user=admin, title__icontains="at risk").exists()

    second = tier_review.run_tier_review(period="2026-Q4", on=date(2027, 1, 1))
    partner.refresh_from_db()
    assert partner.tier.name == "Silver"
    assert partner.at_risk_review is None
    assert TierReviewOutcome.objects.get(review=second, partner=partner).action == ReviewAction.DEMOTE
    assert TierChange.objects.filter(partner=partner, kind="demotion", to_tier__name="Silver").exists()


def test_an_at_risk_partner_back_on_track_keeps_its_tier(fake_metrics):
    partner = PartnerFactory(tier=tier("Gold"))
    fake_metrics({partner.pk: SILVER})
    tier_review.run_tier_review(period="2026-Q3", on=date(2026, 10, 1))
    fake_metrics({partner.pk: GOLD})
    second = tier_review.run_tier_review(period="2026-Q4", on=date(2027, 1, 1))
    partner.refresh_from_db()
    assert partner.tier.name == "Gold" and partner.at_risk_review is None
    assert TierReviewOutcome.objects.get(review=second, partner=partner).action == ReviewAction.RECOVERED


def test_running_the_same_quarter_twice_changes_nothing(fake_metrics, today):
    today(date(2027, 1, 1))
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
    run_quarterly_tier_review.delay().get()  # what beat runs on 1 January: the quarter that ended, again
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
    tier_review.run_tier_review(period="2026-Q3", on=date(2026, 10, 1))
    override = tier_review.override_tier(
        actor=channel_manager, partner=partner, decision="keep_tier", reason="Big deal closing next month"
    )
    partner.refresh_from_db()
    assert partner.at_risk_review is None
    review = tier_review.run_tier_review(period="2026-Q4", on=date(2027, 1, 1))
    partner.refresh_from_db()
    assert partner.tier.name == "Gold"
    assert TierReviewOutcome.objects.get(review=review, partner=partner).action == ReviewAction.OVERRIDDEN
    override.refresh_from_db()
    assert override.used_by_review == review
    # used once: the next quarter applies the rules again
    tier_review.run_tier_review(period="2027-Q1", on=date(2027, 4, 1))
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
    review = tier_review.run_tier_review(period="2026-Q3", on=date(2026, 10, 1))
    assert not review.outcomes.filter(partner=partner).exists()


def test_only_program_admins_run_the_review_by_hand(channel_manager):
    with pytest.raises(PermissionDenied):
        tier_review.run_tier_review(period="2026-Q4", actor=channel_manager)


def test_the_review_is_set_based(fake_metrics, django_assert_max_num_queries):
    """Partners who keep their tier cost no queries each: one provider call per metric, bulk outcome rows."""
    PartnerFactory.create_batch(40, tier=tier("Registered"))
    with django_assert_max_num_queries(25):
        tier_review.run_tier_review(period="2026-Q2", on=date(2026, 7, 1))
    PartnerFactory.create_batch(80, tier=tier("Registered"))
    with django_assert_max_num_queries(25):
        tier_review.run_tier_review(period="2026-Q3", on=date(2026, 10, 1))
    metrics_calls = [c for c in fake_metrics.calls if c[0] == "registered_deals"]
    assert metrics_calls[-1] == ("registered_deals", 120)  # all partners in one call


# --- The review of a quarter measures that quarter, whenever it runs -----------------------------------


def test_the_window_of_a_quarters_last_day_is_exactly_its_four_quarters():
    assert tier_engine.window(date(2026, 12, 31)) == (date(2026, 1, 1), date(2027, 1, 1))
    assert tier_engine.window(date(2028, 2, 28)) == (date(2027, 2, 28), date(2028, 2, 29))


def test_the_scheduled_review_on_the_first_day_of_a_quarter_measures_the_quarter_that_ended(fake_metrics, today):
    """What beat runs on 1 January (partners.tasks.run_quarterly_tier_review, no argument) reviews Q4 on
    Q4's scorecard, not the new quarter's nearly empty one."""
    from analytics.models import Scorecard
    from analytics.providers import scorecard_score
    from partners.tasks import run_quarterly_tier_review
    from prm.periods import parse_period

    today(date(2027, 1, 1))
    partner = PartnerFactory(tier=tier("Gold"))
    fake_metrics({partner.pk: {k: v for k, v in GOLD.items() if k != "scorecard_score"}})
    tier_engine._PROVIDERS["scorecard_score"] = scorecard_score  # the real provider, on real scorecards
    for key, total in (("2026-Q3", 81), ("2026-Q4", 79), ("2027-Q1", 26)):
        Scorecard.objects.create(partner=partner, period=key, period_start=parse_period(key).start, total=total)

    review = TierReview.objects.get(pk=run_quarterly_tier_review.delay().get())

    assert review.period == "2026-Q4" and review.evaluated_on == date(2026, 12, 31)
    outcome = TierReviewOutcome.objects.get(review=review, partner=partner)
    assert outcome.action == ReviewAction.KEEP and Decimal(outcome.measurements["scorecard_score"]) == 79
    partner.refresh_from_db()
    assert partner.at_risk_review is None and partner.tier.name == "Gold"


def test_a_review_measures_its_quarter_even_when_applied_later(fake_metrics):
    partner = PartnerFactory(tier=tier("Registered"))
    fake_metrics({partner.pk: SILVER})
    windows = []
    provider = tier_engine._PROVIDERS["registered_deals"]
    tier_engine._PROVIDERS["registered_deals"] = lambda ids, since, until: (
        windows.append((since, until)) or provider(ids, since, until)
    )
    review = tier_review.run_tier_review(period="2026-Q3", on=date(2026, 11, 20))
    assert windows == [(date(2025, 10, 1), date(2026, 10, 1))]
    assert review.evaluated_on == date(2026, 9, 30)
    partner.refresh_from_db()
    assert partner.at_risk_since is None and partner.tier.name == "Silver"


# --- Grace and steps -----------------------------------------------------------------------------------


def test_a_quarter_that_has_not_ended_is_a_preview_only(fake_metrics, today, program_admin):
    today(date(2027, 1, 1))
    partner = PartnerFactory(tier=tier("Platinum"))
    fake_metrics({partner.pk: {}})
    tier_review.run_tier_review(period="2026-Q3", on=date(2026, 10, 1))  # flagged at Platinum
    tier_review.run_tier_review(period="2026-Q4", actor=program_admin)  # one step down: Gold
    with pytest.raises(ValidationError) as refused:
        tier_review.run_tier_review(period="2027-Q1", actor=program_admin)  # minutes later
    assert "period" in refused.value.message_dict
    assert not TierReview.objects.filter(period="2027-Q1").exists()
    partner.refresh_from_db()
    assert partner.tier.name == "Gold"
    preview = tier_review.preview_tier_review(period="2027-Q1")
    assert preview["refusal"] and preview["applicable_from"] == date(2027, 4, 1)
    assert {p.partner.pk: p.action for p in preview["proposals"]}[partner.pk] == ReviewAction.DEMOTE


def test_the_preview_page_of_an_open_quarter_has_no_apply_button_and_refuses_a_post(
    client_for, program_admin, fake_metrics, today
):
    today(date(2027, 1, 5))
    PartnerFactory(tier=tier("Gold"))
    client = client_for(program_admin)
    page = client.get("/partners/tier-review/", {"period": "2027-Q1"}).content.decode()
    assert 'data-testid="review-preview-only"' in page and 'data-testid="apply-review"' not in page
    due = client.get("/partners/tier-review/").content.decode()  # 2026-Q4 has ended and is not applied yet
    assert 'value="2026-Q4"' in due and 'data-testid="apply-review"' in due
    response = client.post("/partners/tier-review/", {"period": "2027-Q1"})
    assert response.status_code == 302 and not TierReview.objects.exists()
    client.post("/partners/tier-review/", {"period": "2026-Q4"})
    assert TierReview.objects.get().period == "2026-Q4"
    assert 'value="2027-Q1"' in client.get("/partners/tier-review/").content.decode()  # next: the running quarter


def test_demotion_is_one_tier_per_review_and_only_by_the_next_quarters_review(fake_metrics):
    partner = PartnerFactory(tier=tier("Platinum"))
    fake_metrics({partner.pk: {}})  # qualifies for Registered only
    steps = []
    for period, on in (
        ("2026-Q2", date(2026, 7, 1)),
        ("2026-Q3", date(2026, 10, 1)),
        ("2026-Q4", date(2027, 1, 1)),
        ("2027-Q1", date(2027, 4, 1)),
    ):
        review = tier_review.run_tier_review(period=period, on=on)
        partner.refresh_from_db()
        steps.append((TierReviewOutcome.objects.get(review=review, partner=partner).action, partner.tier.name))
        # still short of its (new) tier: flagged by this review, until the entry tier that has no requirements
        assert partner.at_risk_review == (review if partner.tier.name != "Registered" else None)
    assert steps == [
        (ReviewAction.FLAG_AT_RISK, "Platinum"),
        (ReviewAction.DEMOTE, "Gold"),
        (ReviewAction.DEMOTE, "Silver"),
        (ReviewAction.DEMOTE, "Registered"),
    ]
    demotions = TierChange.objects.filter(partner=partner, kind="demotion").order_by("created_at", "id")
    assert [change.to_tier.name for change in demotions] == ["Gold", "Silver", "Registered"]


def test_a_flag_from_an_older_review_is_renewed_not_acted_on(fake_metrics):
    partner = PartnerFactory(tier=tier("Gold"))
    fake_metrics({partner.pk: SILVER})
    tier_review.run_tier_review(period="2026-Q2", on=date(2026, 7, 1))
    review = tier_review.run_tier_review(period="2026-Q4", on=date(2027, 1, 1))  # 2026-Q3 was never applied
    partner.refresh_from_db()
    assert partner.tier.name == "Gold" and partner.at_risk_review == review
    assert TierReviewOutcome.objects.get(review=review, partner=partner).action == ReviewAction.FLAG_AT_RISK


def test_an_earlier_quarter_cannot_be_applied_after_a_later_one(fake_metrics):
    PartnerFactory(tier=tier("Gold"))
    tier_review.run_tier_review(period="2026-Q4", on=date(2027, 1, 1))
    with pytest.raises(ValidationError):
        tier_review.run_tier_review(period="2026-Q3", on=date(2027, 1, 1))
    assert list(TierReview.objects.values_list("period", flat=True)) == ["2026-Q4"]


# --- At risk is visible --------------------------------------------------------------------------------


SHORT_OF_GOLD = {**SILVER, "scorecard_score": 70}  # Gold's scorecard minimum (65) met, the rest not


def _flag_acme(partner, fake_metrics, django_capture_on_commit_callbacks):
    fake_metrics({partner.pk: SHORT_OF_GOLD})
    with django_capture_on_commit_callbacks(execute=True):
        tier_review.run_tier_review(period="2026-Q4", on=date(2027, 1, 1))


def test_the_partner_home_shows_at_risk_with_the_tiers_unmet_requirements_and_the_next_review(
    client_for, partner, partner_admin, fake_metrics, today, django_capture_on_commit_callbacks
):
    from prm.formatting import day

    today(date(2027, 1, 5))
    _flag_acme(partner, fake_metrics, django_capture_on_commit_callbacks)
    page = client_for(partner_admin).get("/").content.decode()
    next_review = day(date(2027, 4, 1), "en")
    assert 'data-testid="partner-at-risk"' in page and next_review in page
    unmet = page.split('data-testid="at-risk-unmet"')[1].split("</ul>")[0]
    assert "Registered deals: 5 of 15" in unmet and "Reference implementations: 0 of 1" in unmet
    assert "Partner-sourced bookings: 100,000 of 500,000" in unmet
    assert "Scorecard" not in unmet  # a met Gold requirement is not listed
    panel = client_for(partner_admin).get(f"/partners/{partner.pk}/panels/tier-progress/").content.decode()
    assert 'data-testid="at-risk-unmet"' in panel and next_review in panel

    notice = Notification.objects.get(user=partner_admin, title__icontains="at risk")
    assert "Gold" in notice.title
    assert "Registered deals 5 of 15" in notice.body and next_review in notice.body


def test_the_tier_progress_api_says_at_risk(api_for, partner, partner_user, fake_metrics, today):
    today(date(2027, 1, 5))
    fake_metrics({partner.pk: SHORT_OF_GOLD})
    tier_review.run_tier_review(period="2026-Q4", on=date(2027, 1, 1))
    body = api_for(partner_user).get(f"/api/v1/partners/{partner.pk}/tier-progress/").json()
    assert body["next_tier"] == "Platinum"
    risk = body["at_risk"]
    assert (risk["tier"], risk["flagged_in"], risk["next_review_on"]) == ("Gold", "2026-Q4", "2027-04-01")
    assert {r["metric"] for r in risk["requirements"] if not r["met"]} == {
        "registered_deals",
        "sourced_bookings",
        "sales_certified_people",
        "technical_certified_people",
        "reference_implementations",
    }


def test_a_partner_not_at_risk_shows_no_at_risk(client_for, partner, partner_admin, fake_metrics):
    fake_metrics({partner.pk: GOLD})
    page = client_for(partner_admin).get("/").content.decode()
    assert 'data-testid="partner-at-risk"' not in page and 'data-testid="at-risk"' not in page
