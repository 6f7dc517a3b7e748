"""Scorecard computation: weighting, carry-forward, neutral scores, weights, the tier provider, query counts."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import Scorecard, ScorecardCriterion
from analytics.scorecards import services as scorecard_services
from analytics.scorecards.scoring import compute_scorecards, current_quarter, default_periods, previous_quarter
from partners import tier_engine
from prm.models import AuditEntry
from tests.analytics.scorecard_helpers import HAND_KPIS, HAND_RATINGS, HAND_TOTAL, rate, snapshot
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

NOW = current_quarter().key
BEFORE = previous_quarter(NOW).key


@pytest.fixture
def established(partner, other_partner):
    """Both partners joined three years ago, so every quarter these tests score is after they existed
    (scorecards start at a partner's first quarter)."""
    joined = timezone.localdate().replace(day=1, year=timezone.localdate().year - 3)
    for p in (partner, other_partner):
        p.joined_at = joined
        p.save(update_fields=["joined_at"])
    return partner, other_partner


def test_the_twelve_criteria_are_seeded_with_weights_adding_up_to_100():
    criteria = list(ScorecardCriterion.objects.all())
    assert len(criteria) == 12
    assert sum(c.weight for c in criteria) == 100


def test_a_known_snapshot_and_ratings_give_the_hand_computed_total(partner):
    snapshot(partner, NOW, **HAND_KPIS)
    for key, value in HAND_RATINGS.items():
        rate(partner, NOW, key, value)
    assert compute_scorecards(periods=[NOW], partner_ids=[partner.pk]) == 1
    card = Scorecard.objects.get(partner=partner, period=NOW)
    assert card.total == HAND_TOTAL
    entries = {entry["key"]: entry for entry in card.criteria}
    assert [entry["key"] for entry in card.criteria] == list(
        ScorecardCriterion.objects.order_by("position").values_list("key", flat=True)
    )
    assert set(card.criteria[0]) >= {"key", "name", "weight", "value", "score"}
    assert entries["sourced_bookings"]["score"] == "40.00"
    assert entries["influenced_business"]["score"] == "100.00"  # capped
    assert entries["joint_marketing"]["value"] is None and entries["joint_marketing"]["score"] == "0.00"
    assert entries["delivery_quality"] == entries["delivery_quality"] | {"value": "4", "score": "75.00"}


def test_a_never_rated_criterion_scores_a_neutral_50_flagged_not_rated(partner):
    compute_scorecards(periods=[NOW], partner_ids=[partner.pk])
    entries = {e["key"]: e for e in Scorecard.objects.get(partner=partner, period=NOW).criteria}
    assert entries["customer_satisfaction"]["score"] == "50.00"
    assert entries["customer_satisfaction"]["not_rated"] is True
    assert "not_rated" not in entries["sourced_bookings"]
    # No snapshot, nothing rated: measured criteria score 0, the 34 points of rated weight score 50.
    assert Scorecard.objects.get(partner=partner, period=NOW).total == Decimal("17.00")


def test_a_criterion_not_rated_this_quarter_carries_the_latest_earlier_rating(partner):
    rate(partner, BEFORE, "delivery_quality", 2)
    rate(partner, previous_quarter(BEFORE).key, "delivery_quality", 5)
    compute_scorecards(periods=[NOW], partner_ids=[partner.pk])
    entry = next(
        e for e in Scorecard.objects.get(partner=partner, period=NOW).criteria if e["key"] == "delivery_quality"
    )
    assert entry["score"] == "25.00"
    assert entry["rated_in"] == BEFORE
    assert "not_rated" not in entry


def test_a_rating_of_a_later_quarter_does_not_leak_into_an_earlier_one(partner, established):
    rate(partner, NOW, "delivery_quality", 5)
    compute_scorecards(periods=[BEFORE, NOW], partner_ids=[partner.pk])
    before = next(
        e for e in Scorecard.objects.get(partner=partner, period=BEFORE).criteria if e["key"] == "delivery_quality"
    )
    assert before["not_rated"] is True


def test_recomputing_updates_the_row_in_place(partner):
    compute_scorecards(periods=[NOW], partner_ids=[partner.pk])
    snapshot(partner, NOW, **HAND_KPIS)
    for key, value in HAND_RATINGS.items():
        rate(partner, NOW, key, value)
    compute_scorecards(periods=[NOW], partner_ids=[partner.pk])
    assert Scorecard.objects.filter(partner=partner, period=NOW).count() == 1
    assert Scorecard.objects.get(partner=partner, period=NOW).total == HAND_TOTAL


def test_by_default_the_current_and_previous_quarter_of_every_live_partner_are_scored(established):
    assert default_periods() == [BEFORE, NOW]
    assert compute_scorecards() == 4
    assert set(Scorecard.objects.values_list("period", flat=True)) == {BEFORE, NOW}


def test_months_are_refused():
    with pytest.raises(ValueError, match="quarter"):
        compute_scorecards(periods=["2026-11"])


def test_query_count_does_not_grow_with_the_number_of_partners():
    def count_for(n):
        partners = PartnerFactory.create_batch(n)
        for p in partners:
            snapshot(p, NOW, sourced_bookings=Decimal("1000.00"))
            rate(p, BEFORE, "delivery_quality", 3)
        with CaptureQueriesContext(connection) as ctx:
            compute_scorecards(periods=[BEFORE, NOW], partner_ids=[p.pk for p in partners])
        return len(ctx.captured_queries)

    assert count_for(2) == count_for(25)


def test_the_tier_engine_reads_the_latest_score_in_its_window(partner):
    compute_scorecards(periods=[BEFORE, NOW], partner_ids=[partner.pk])
    Scorecard.objects.filter(partner=partner, period=BEFORE).update(total=Decimal("90.00"))
    Scorecard.objects.filter(partner=partner, period=NOW).update(total=Decimal("72.50"))
    since, until = tier_engine.window(timezone.localdate())
    assert tier_engine.measure("scorecard_score", [partner.pk], since, until) == {partner.pk: Decimal("72.50")}
    progress = tier_engine.measure_all([partner.pk], timezone.localdate(), ["scorecard_score"])
    assert progress[partner.pk]["scorecard_score"] == Decimal("72.50")


def test_a_partner_without_scorecards_measures_zero(partner):
    since, until = tier_engine.window(timezone.localdate())
    assert tier_engine.measure("scorecard_score", [partner.pk], since, until) == {partner.pk: Decimal(0)}


# --- Weights -----------------------------------------------------------------------------------------


def _weights(**overrides):
    changes = {c.key: {"weight": c.weight} for c in ScorecardCriterion.objects.all()}
    for key, weight in overrides.items():
        changes[key]["weight"] = weight
    return changes


def test_weights_must_add_up_to_100(program_admin):
    with pytest.raises(ValidationError) as error:
        scorecard_services.update_criteria(user=program_admin, changes=_weights(sourced_bookings=14))
    assert "add up to 100; they add up to 99" in str(error.value)
    assert ScorecardCriterion.objects.get(key="sourced_bookings").weight == 15


def test_a_measured_target_must_be_positive(program_admin):
    changes = _weights()
    changes["registered_deal_flow"]["target"] = Decimal("0")
    with pytest.raises(ValidationError) as error:
        scorecard_services.update_criteria(user=program_admin, changes=changes)
    assert "target_registered_deal_flow" in error.value.message_dict


def test_program_admins_change_weights_audited_and_scores_are_recomputed(
    program_admin, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        scorecard_services.update_criteria(
            user=program_admin, changes=_weights(sourced_bookings=20, influenced_business=3)
        )
    assert ScorecardCriterion.objects.get(key="sourced_bookings").weight == 20
    entry = AuditEntry.objects.get(action="update_scorecard_criterion", object_label="Sourced bookings")
    assert entry.changes == {"weight": [15, 20]}
    assert Scorecard.objects.filter(partner=partner, period=NOW).exists()  # the task ran (inline in tests)


@pytest.mark.parametrize("role", ["channel_manager", "finance_user", "partner_admin"])
def test_only_program_admins_change_weights(role, request):
    with pytest.raises(PermissionDenied):
        scorecard_services.update_criteria(user=request.getfixturevalue(role), changes=_weights())


# --- Demo data ---------------------------------------------------------------------------------------


def test_the_demo_rates_eight_quarters_scores_them_and_is_idempotent(partner, established, channel_manager):
    import io

    from analytics.models import ScorecardRating
    from demo import analytics as analytics_demo

    partner.channel_manager = channel_manager
    partner.save()
    out = io.StringIO()
    analytics_demo.seed_scorecards(seed=1, partners=2, stdout=out)
    ratings = ScorecardRating.objects.count()
    assert 0 < ratings <= 2 * 8 * 5
    assert Scorecard.objects.count() == 2 * 8
    assert "open alerts" in out.getvalue()
    analytics_demo.seed_scorecards(seed=1, partners=2, stdout=out)
    assert ScorecardRating.objects.count() == ratings
    assert Scorecard.objects.count() == 2 * 8
