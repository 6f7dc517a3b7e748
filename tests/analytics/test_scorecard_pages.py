"""Scorecard, rating grid, weights, alert-rule and at-risk pages: roles, permissions, CSV and query bounds."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import Alert, AlertKind, AlertRule, Scorecard, ScorecardCriterion, ScorecardRating
from analytics.scorecards.scoring import compute_scorecards, current_quarter, previous_quarter, quarter
from prm.periods import quarter_of
from tests.analytics.scorecard_helpers import HAND_KPIS, HAND_RATINGS, HAND_TOTAL, rate, snapshot
from tests.factories import InternalUserFactory, PartnerFactory

pytestmark = pytest.mark.django_db

NOW = current_quarter().key
BEFORE = previous_quarter(NOW).key
LIST = reverse("analytics:scorecards")
RATE = reverse("analytics:scorecard_rate")
WEIGHTS = reverse("analytics:scorecard_weights")
RULES = reverse("analytics:alert_rules")
AT_RISK = reverse("analytics:at_risk")


@pytest.fixture
def book(partner, channel_manager):
    partner.channel_manager = channel_manager
    partner.save()
    return partner


@pytest.fixture
def other_manager():
    return InternalUserFactory(email="other.manager@example.com")


def _grid_post(partner, criterion_key, rating, note="", period=NOW):
    criterion = ScorecardCriterion.objects.get(key=criterion_key)
    return {
        "period": period,
        "partner": [str(partner.pk)],
        f"r_{partner.pk}_{criterion.pk}": str(rating),
        f"n_{partner.pk}_{criterion.pk}": note,
    }


# --- The scorecard list -------------------------------------------------------------------------------


def test_the_list_shows_this_and_last_quarters_scores_and_the_change(client_for, book, other_partner, channel_manager):
    # Both partners existed last quarter (scorecards start at a partner's first quarter).
    for p in (book, other_partner):
        p.joined_at = quarter(BEFORE).start
        p.save(update_fields=["joined_at"])
    snapshot(book, NOW, **HAND_KPIS)
    for key, value in HAND_RATINGS.items():
        rate(book, NOW, key, value)
    compute_scorecards(periods=[BEFORE, NOW])
    response = client_for(channel_manager).get(LIST, {"ordering": "-score"})
    assert response.status_code == 200
    rows = list(response.context["object_list"])
    assert rows[0] == book and rows[0].score == HAND_TOTAL
    assert rows[0].delta == HAND_TOTAL - rows[0].previous
    assert b"chart-score-distribution" in response.content
    assert sum(response.context["distribution"]["datasets"][0]["data"]) == 2


def test_the_list_filters_by_tier_and_exports_csv(client_for, book, other_partner, program_admin):
    compute_scorecards(periods=[BEFORE, NOW])
    client = client_for(program_admin)
    response = client.get(LIST, {"tier": other_partner.tier_id})
    assert list(response.context["object_list"]) == [other_partner]
    csv = b"".join(client.get(LIST, {"period": NOW, "export": "csv"}).streaming_content).decode()
    assert csv.splitlines()[0].startswith("Partner id,Partner,Tier")
    assert "Acme Cloud Partners" in csv and "Globex Integrators" in csv


def test_a_malformed_period_is_an_error_next_to_the_field(client_for, program_admin, book):
    response = client_for(program_admin).get(LIST, {"period": "2026-Q7"})
    assert response.status_code == 400
    assert "quarter like 2026-Q4" in response.content.decode()
    assert list(response.context["object_list"]) == []


@pytest.mark.parametrize("role", ["partner_admin", "partner_user"])
def test_partners_may_not_see_scorecards(client_for, role, request, book):
    client = client_for(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("analytics:scorecard_detail", args=[book.pk])).status_code == 403


def test_the_list_query_count_is_bounded(client_for, program_admin, django_assert_max_num_queries):
    for p in PartnerFactory.create_batch(30):
        snapshot(p, NOW, sourced_bookings=1000)
    compute_scorecards(periods=[BEFORE, NOW])
    client = client_for(program_admin)
    client.get(LIST)
    with django_assert_max_num_queries(20):
        assert client.get(LIST).status_code == 200


def test_the_partner_scorecard_page_shows_criteria_and_an_8_quarter_trend(
    client_for, book, channel_manager, django_assert_max_num_queries
):
    snapshot(book, NOW, **HAND_KPIS)
    rate(book, NOW, "delivery_quality", 4, note="Two escalations closed fast.")
    compute_scorecards(periods=[BEFORE, NOW])
    client = client_for(channel_manager)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("analytics:scorecard_detail", args=[book.pk]))
    assert response.status_code == 200
    assert len(response.context["trend"]["labels"]) == 8
    body = response.content.decode()
    assert "Two escalations closed fast." in body and "not rated" in body


# --- The rating grid ----------------------------------------------------------------------------------


def test_a_manager_sees_only_their_book_on_the_grid(client_for, book, other_partner, channel_manager):
    response = client_for(channel_manager).get(RATE)
    assert response.status_code == 200
    assert response.context["form"].partners == [book]
    assert len(response.context["grid"]["criteria"]) == 5


def test_a_manager_rates_their_partner_and_the_scorecard_is_recomputed(client_for, book, channel_manager):
    response = client_for(channel_manager).post(RATE, _grid_post(book, "delivery_quality", 5, "Great delivery"))
    assert response.status_code == 302
    rating = ScorecardRating.objects.get(partner=book, period=NOW)
    assert (rating.rating, rating.note, rating.rated_by) == (5, "Great delivery", channel_manager)
    entry = next(e for e in Scorecard.objects.get(partner=book, period=NOW).criteria if e["key"] == "delivery_quality")
    assert entry["score"] == "100.00"


def test_a_manager_cannot_rate_another_managers_partner(client_for, book, other_manager):
    response = client_for(other_manager).post(RATE, _grid_post(book, "delivery_quality", 5))
    assert response.status_code == 403
    assert not ScorecardRating.objects.exists()


def test_program_admins_rate_any_partner(client_for, book, program_admin):
    assert client_for(program_admin).post(RATE, _grid_post(book, "customer_satisfaction", 2)).status_code == 302
    assert ScorecardRating.objects.get(partner=book).rating == 2


def test_a_bad_rating_is_shown_next_to_the_field(client_for, book, channel_manager):
    response = client_for(channel_manager).post(RATE, _grid_post(book, "delivery_quality", 7))
    assert response.status_code == 400
    criterion = ScorecardCriterion.objects.get(key="delivery_quality")
    assert response.context["form"].errors[f"r_{book.pk}_{criterion.pk}"]
    assert not ScorecardRating.objects.exists()


def test_a_future_quarter_cannot_be_rated(client_for, book, channel_manager):
    future = current_quarter().end + timedelta(days=1)
    response = client_for(channel_manager).post(
        RATE, _grid_post(book, "delivery_quality", 3, period=quarter_of(future).key)
    )
    assert response.status_code == 400
    assert "future quarter" in response.content.decode()


def test_clearing_a_rating_removes_it(client_for, book, channel_manager):
    rate(book, NOW, "delivery_quality", 4)
    assert client_for(channel_manager).post(RATE, _grid_post(book, "delivery_quality", "")).status_code == 302
    assert not ScorecardRating.objects.exists()


@pytest.mark.parametrize("role", ["finance_user", "partner_admin", "partner_user"])
def test_other_roles_may_not_rate(client_for, role, request, book):
    client = client_for(request.getfixturevalue(role))
    assert client.get(RATE).status_code == 403
    assert client.post(RATE, _grid_post(book, "delivery_quality", 5)).status_code == 403


def test_the_grid_pages_through_a_big_book_with_bounded_queries(
    client_for, channel_manager, django_assert_max_num_queries
):
    PartnerFactory.create_batch(45, channel_manager=channel_manager)
    client = client_for(channel_manager)
    client.get(RATE)
    with django_assert_max_num_queries(15):
        response = client.get(RATE, {"period": NOW, "page": 3})
    assert response.status_code == 200
    assert len(response.context["form"].partners) == 5


# --- Weights ------------------------------------------------------------------------------------------


def _weights_post(**overrides):
    data = {}
    for c in ScorecardCriterion.objects.all():
        data[f"weight_{c.key}"] = overrides.get(c.key, c.weight)
        if c.target is not None:
            data[f"target_{c.key}"] = c.target
    return data


def test_weights_that_do_not_add_up_get_a_clear_form_error(client_for, program_admin):
    response = client_for(program_admin).post(WEIGHTS, _weights_post(sourced_bookings=30))
    assert response.status_code == 400
    assert "The weights must add up to 100; they add up to 115." in response.content.decode()


def test_program_admins_save_weights(client_for, program_admin):
    response = client_for(program_admin).post(WEIGHTS, _weights_post(sourced_bookings=10, responsiveness=13))
    assert response.status_code == 302
    assert ScorecardCriterion.objects.get(key="responsiveness").weight == 13


@pytest.mark.parametrize("role", ["channel_manager", "finance_user", "partner_admin"])
def test_only_program_admins_open_the_weights_and_alert_pages(client_for, role, request):
    client = client_for(request.getfixturevalue(role))
    assert client.get(WEIGHTS).status_code == 403
    assert client.get(RULES).status_code == 403


# --- Alert rules and at-risk partners -----------------------------------------------------------------


def test_program_admins_edit_a_rule_threshold(client_for, program_admin):
    rule = AlertRule.objects.get(kind=AlertKind.NO_DEAL)
    client = client_for(program_admin)
    assert client.get(RULES).status_code == 200
    response = client.post(RULES, {"rule": rule.pk, f"rule{rule.pk}-threshold": 60, f"rule{rule.pk}-active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 60 and rule.active


def test_a_zero_threshold_is_refused_next_to_the_field(client_for, program_admin):
    rule = AlertRule.objects.get(kind=AlertKind.NO_DEAL)
    response = client_for(program_admin).post(RULES, {"rule": rule.pk, f"rule{rule.pk}-threshold": 0})
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()


def _alert(partner, kind=AlertKind.NO_DEAL):
    return Alert.objects.create(rule=AlertRule.objects.get(kind=kind), partner=partner, detail=f"{kind} breached")


def test_managers_start_with_their_own_at_risk_partners(client_for, book, other_partner, channel_manager):
    _alert(book)
    _alert(other_partner)
    client = client_for(channel_manager)
    assert list(client.get(AT_RISK).context["object_list"]) == [book]
    everyone = client.get(AT_RISK, {"book": "all"}).context["object_list"]
    assert {p.pk for p in everyone} == {book.pk, other_partner.pk}


def test_at_risk_lists_open_alerts_with_filters_and_csv(client_for, book, other_partner, program_admin):
    _alert(book, AlertKind.CERTS_EXPIRING)
    _alert(book, AlertKind.NO_DEAL)
    resolved = _alert(other_partner)
    resolved.resolved_at = timezone.now()
    resolved.save()
    client = client_for(program_admin)
    rows = list(client.get(AT_RISK).context["object_list"])
    assert rows == [book] and rows[0].alert_count == 2
    assert list(client.get(AT_RISK, {"kind": "score_drop"}).context["object_list"]) == []
    csv = b"".join(client.get(AT_RISK, {"export": "csv"}).streaming_content).decode()
    assert "Acme Cloud Partners" in csv and "certs_expiring breached" in csv and "Globex" not in csv


def test_at_risk_query_count_is_bounded(client_for, program_admin, django_assert_max_num_queries):
    for p in PartnerFactory.create_batch(30):
        _alert(p)
        _alert(p, AlertKind.CERTS_EXPIRING)
    client = client_for(program_admin)
    client.get(AT_RISK)
    with django_assert_max_num_queries(15):
        assert client.get(AT_RISK).status_code == 200


@pytest.mark.parametrize("role", ["partner_admin", "partner_user"])
def test_partners_may_not_see_the_at_risk_list(client_for, role, request):
    assert client_for(request.getfixturevalue(role)).get(AT_RISK).status_code == 403
