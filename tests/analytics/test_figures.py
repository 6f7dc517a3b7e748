"""One definition per figure (docs/figures.md): each figure computed by hand, and every place that shows
it - KPI snapshots, program groups, scorecards, tier requirements, the MDF program view - agrees."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics import selectors
from analytics.models import KpiSnapshot, Scorecard, ScorecardCriterion
from analytics.scorecards.scoring import compute_scorecards, current_quarter, previous_quarter
from analytics.services import rebuild_kpis
from deals.models import DealReason, DealStatus, Lead, LeadStatus
from enablement.models import Certificate, CertificationKind
from mdf.models import ClaimStatus, Fund, MdfClaim, MdfRequest, RequestStatus
from partners import tier_engine
from partners.models import TierChange
from prm.periods import _add_months, month_of, quarter_of
from tests.analytics.kpi_fixture import at, deal, fixture_month
from tests.enablement.factories import CertificationFactory
from tests.factories import InternalUserFactory, UserFactory, tier
from tests.mdf.factories import ActivityTypeFactory

pytestmark = pytest.mark.django_db


def snapshot(partner, period):
    return KpiSnapshot.objects.get(partner=partner, period=period)


def established(*partners):
    """The partners joined two years ago: every period the tests look at is after they existed."""
    joined = _add_months(timezone.localdate().replace(day=1), -24)
    for partner in partners:
        partner.joined_at = joined
        partner.save(update_fields=["joined_at"])


def lead_deal(partner, **fields):
    """A deal made by accepting a lead the vendor passed (deals.services.accept_lead links the two)."""
    made = deal(partner, reason=DealReason.LEAD, **fields)
    Lead.objects.create(
        partner=partner,
        created_by=InternalUserFactory(),
        customer_name=made.customer_name,
        customer_country="US",
        status=LeadStatus.ACCEPTED,
        deal=made,
    )
    return made


# --- Tier history ------------------------------------------------------------------------------------


def test_a_promotion_leaves_past_quarters_in_the_tier_they_were_earned_in(partner, other_partner):
    """Acme was Silver and was promoted to Gold ten days into the fixture month. Its won deals: 10,000
    before (previous quarter), 25,000 after. Globex (Silver, never changed) keeps its tier everywhere."""
    established(partner, other_partner)
    silver, gold = tier("Silver"), tier("Gold")
    assert partner.tier == gold and other_partner.tier == silver
    month = fixture_month()
    now_q = quarter_of(month.start)
    before_q = quarter_of(now_q.start - timedelta(days=1))
    promoted_at = at(month.start + timedelta(days=10))
    change = TierChange.objects.create(partner=partner, from_tier=silver, to_tier=gold, kind="promotion")
    TierChange.objects.filter(pk=change.pk).update(created_at=promoted_at)
    deal(partner, status=DealStatus.WON, amount="10000", close=before_q.start + timedelta(days=5))
    deal(partner, status=DealStatus.WON, amount="25000", close=month.start + timedelta(days=15))
    deal(other_partner, status=DealStatus.WON, amount="4000", close=before_q.start + timedelta(days=6))
    rebuild_kpis()

    before = snapshot(partner, before_q.key)
    assert (before.tier_id, before.sourced_bookings) == (silver.pk, Decimal("10000.00"))
    now = snapshot(partner, now_q.key)
    assert (now.tier_id, now.sourced_bookings) == (gold.pk, Decimal("25000.00"))
    # A month takes the tier held at its end: the promotion month is Gold, the month before it Silver.
    assert snapshot(partner, month.key).tier_id == gold.pk
    assert snapshot(partner, month_of(month.start - timedelta(days=1)).key).tier_id == silver.pk
    assert snapshot(partner, month_of(timezone.localdate()).key).tier_id == gold.pk
    assert {row.tier_id for row in KpiSnapshot.objects.filter(partner=other_partner)} == {silver.pk}

    # Program figures by tier: the previous quarter is all Silver (Acme 10,000 + Globex 4,000).
    groups = {row["key"]: row for row in selectors.program_groups(period=before_q, group_by="tier")}
    assert set(groups) == {silver.pk}
    assert groups[silver.pk]["partners"] == 2 and groups[silver.pk]["sourced_bookings"] == Decimal("14000.00")
    groups = {row["key"]: row for row in selectors.program_groups(period=now_q, group_by="tier")}
    assert groups[gold.pk]["sourced_bookings"] == Decimal("25000.00") and groups[gold.pk]["partners"] == 1
    # The dashboard's tier filter follows the same history.
    dashboard = selectors.program_dashboard(period=before_q, tier=silver)
    assert dashboard["totals"]["sourced_bookings"] == Decimal("14000.00")

    # The MDF program view groups by the tier held then as well: last quarter's fund is Silver's.
    from mdf.selectors import program_view

    Fund.objects.create(
        partner=partner,
        period=before_q.key,
        period_start=before_q.start,
        period_end=before_q.end - timedelta(days=1),
        expires_at=before_q.end + timedelta(days=90),
        currency="USD",
        accrued=Decimal("1000"),
        paid=Decimal("500"),
        available=Decimal("500"),
    )
    rows = {r["tier"]: r for r in program_view(InternalUserFactory(role="program_admin"))["tier_rows"]}
    assert (rows["Silver"]["earned"], rows["Silver"]["utilisation"]) == (Decimal("1000.00"), Decimal("50.0"))
    assert rows["Gold"]["earned"] == 0 and rows["Gold"]["utilisation"] is None

    # Incremental equals full with tier history too.
    full = {(r["partner_id"], r["period"]): r for r in KpiSnapshot.objects.values("partner_id", "period", "tier_id")}
    rebuild_kpis(partner_ids=[partner.pk])
    incremental = {
        (r["partner_id"], r["period"]): r for r in KpiSnapshot.objects.values("partner_id", "period", "tier_id")
    }
    assert incremental == full


def test_before_its_first_recorded_change_a_partner_holds_the_tier_that_change_left(partner):
    """Gold since a promotion from Silver, demoted to Registered at the start of the running month: the
    months before the promotion are Silver, the ones between Gold, the running month Registered."""
    established(partner)
    silver, gold, registered = tier("Silver"), tier("Gold"), tier("Registered")
    month = fixture_month()
    first = TierChange.objects.create(partner=partner, from_tier=silver, to_tier=gold, kind="promotion")
    second = TierChange.objects.create(partner=partner, from_tier=gold, to_tier=registered, kind="demotion")
    running = month_of(timezone.localdate())
    TierChange.objects.filter(pk=first.pk).update(created_at=at(month.start, hour=0))
    TierChange.objects.filter(pk=second.pk).update(created_at=at(running.start, hour=0))
    partner.tier = registered
    partner.save(update_fields=["tier"])
    rebuild_kpis()
    assert snapshot(partner, month_of(month.start - timedelta(days=1)).key).tier_id == silver.pk
    assert snapshot(partner, month.key).tier_id == gold.pk
    assert snapshot(partner, month_of(running.start - timedelta(days=1)).key).tier_id == gold.pk
    assert snapshot(partner, running.key).tier_id == registered.pk
    # The SQL mirror equals partners' definition (partners.selectors.tier_held_on) for every row.
    from django.db.models import DateField, Value

    from partners.models import Partner
    from partners.selectors import tier_held_on
    from prm.periods import parse_period

    rows = list(KpiSnapshot.objects.filter(partner=partner))
    assert len(rows) > 20
    for row in rows:
        last_day = Value(parse_period(row.period).end - timedelta(days=1), output_field=DateField())
        held = Partner.objects.annotate(held=tier_held_on("pk", last_day, "tier_id")).get(pk=partner.pk).held
        assert row.tier_id == held, row.period


def test_a_tier_change_queues_the_partner_for_the_next_incremental_rollup(partner, program_admin):
    from analytics.models import DirtyPartner
    from partners.services import change_partner_tier
    from prm.events import dispatch
    from prm.models import DomainEvent

    change_partner_tier(actor=program_admin, partner=partner, tier=tier("Silver"), reason="Quarterly review")
    dispatch(DomainEvent.objects.get(name="partner.tier_changed").pk)
    assert DirtyPartner.objects.filter(partner=partner).exists()


# --- Registered deals and partner-sourced deals ----------------------------------------------------------


def test_registered_deals_are_the_registrations_the_vendor_accepted_everywhere(partner):
    """In the fixture month Acme submitted eight registrations: approved, won, lost and expired ones
    (4 registered, 10,000 + 20,000 + 3,000 + 1,000 = 34,000), two rejected (a conflict and a duplicate), one
    still pending review and a lead it accepted (vendor-sourced: not a registration). Old code: 8 by
    submission date in the KPI, 5 in the tier figures."""
    established(partner)
    month = fixture_month()
    d = month.start + timedelta(days=2)
    for status, amount in [
        (DealStatus.APPROVED, "10000"),
        (DealStatus.WON, "20000"),
        (DealStatus.LOST, "3000"),
        (DealStatus.EXPIRED, "1000"),
    ]:
        deal(partner, status=status, amount=amount, submitted=d, decided=d + timedelta(days=1))
    deal(partner, status=DealStatus.REJECTED, amount="50000", submitted=d, decided=d, reason=DealReason.CONFLICT)
    deal(partner, status=DealStatus.REJECTED, amount="60000", submitted=d, decided=d, reason=DealReason.DUPLICATE)
    deal(partner, status=DealStatus.PENDING_REVIEW, amount="70000", submitted=d)
    lead_deal(partner, status=DealStatus.APPROVED, amount="80000", submitted=d, decided=d)
    rebuild_kpis()

    quarter = quarter_of(month.start)
    row = snapshot(partner, month.key)
    assert (row.registered_deals, row.registered_value) == (4, Decimal("34000.00"))
    assert row.sourced_pipeline == Decimal("34000.00")
    assert snapshot(partner, quarter.key).registered_deals == 4
    # The tier requirement measures the same rows (deals.providers.registered_deals).
    assert tier_engine.measure("registered_deals", [partner.pk], quarter.start, quarter.end) == {partner.pk: Decimal(4)}
    # The scorecard's "registered deal flow" reads the quarter's figure: 4 of a target of 10 scores 40.
    compute_scorecards(periods=[quarter.key], partner_ids=[partner.pk])
    entry = next(
        e
        for e in Scorecard.objects.get(partner=partner, period=quarter.key).criteria
        if e["key"] == "registered_deal_flow"
    )
    assert (entry["value"], entry["score"]) == ("4", "40.00")


def test_a_deal_from_a_vendor_lead_is_partner_worked_not_partner_sourced(partner):
    """Acme won its own registration (12,000, 10 days from submission) and a deal made from a lead the
    vendor passed (40,000) and lost another lead deal: sourced bookings 12,000 from one won deal, win rate
    1/1, in the snapshot and in the tier requirement alike (old code: 52,000 from two, win rate 2/3)."""
    established(partner)
    month = fixture_month()
    d = month.start + timedelta(days=1)
    deal(partner, status=DealStatus.WON, amount="12000", submitted=d, decided=d, close=d + timedelta(days=10))
    lead_deal(partner, status=DealStatus.WON, amount="40000", submitted=d, decided=d, close=d + timedelta(days=5))
    lead_deal(partner, status=DealStatus.LOST, amount="9000", submitted=d, decided=d, close=d + timedelta(days=6))
    rebuild_kpis()

    row = snapshot(partner, month.key)
    assert (row.sourced_bookings, row.won_deals, row.lost_deals) == (Decimal("12000.00"), 1, 0)
    assert row.win_rate == Decimal("1.0000") and row.sales_cycle_days == Decimal("10.0")
    assert row.registered_deals == 1
    assert tier_engine.measure("sourced_bookings", [partner.pk], month.start, month.end) == {
        partner.pk: Decimal("12000.00")
    }


# --- Sales expertise -------------------------------------------------------------------------------------


def test_sales_expertise_counts_people_with_a_sales_certification_only(partner):
    """Three people certified at the quarter's end: Alice (sales), Bob (technical), Carol (sales and
    specialty): certified people 3, sales-certified 2; the scorecard's sales expertise is 2 of 5 = 40."""
    established(partner)
    quarter = previous_quarter(current_quarter().key)
    sales, technical = CertificationFactory(kind=CertificationKind.SALES), CertificationFactory(kind="technical")
    specialty = CertificationFactory(kind=CertificationKind.SPECIALTY)
    alice, bob, carol = (UserFactory(partner=partner) for _ in range(3))
    issued, expires = at(quarter.start - timedelta(days=30)), at(quarter.end + timedelta(days=200))
    for user, certification in [(alice, sales), (bob, technical), (carol, sales), (carol, specialty)]:
        Certificate.objects.create(
            certification=certification, user=user, partner=partner, issued_at=issued, expires_at=expires
        )
    rebuild_kpis()
    row = snapshot(partner, quarter.key)
    assert (row.certified_people, row.sales_certified_people) == (3, 2)
    # The tier requirement on the quarter's last day counts the same people.
    on = quarter.end - timedelta(days=1)
    since, until = tier_engine.window(on)
    assert tier_engine.measure("sales_certified_people", [partner.pk], since, until) == {partner.pk: Decimal(2)}
    assert ScorecardCriterion.objects.get(key="sales_expertise").kpi_field == "sales_certified_people"
    compute_scorecards(periods=[quarter.key], partner_ids=[partner.pk])
    entry = next(
        e for e in Scorecard.objects.get(partner=partner, period=quarter.key).criteria if e["key"] == "sales_expertise"
    )
    assert (entry["value"], entry["score"]) == ("2", "40.00")


def test_the_business_plan_counts_certified_people_as_the_snapshot_does(partner):
    """At last quarter's end Alice holds a sales and a technical certificate, Bob a specialty and Carol a
    developer one: three certified people in the snapshot and on the plan, 3 of 6 = 50 % (old plan: sales 1
    + technical 1 = 2, counting Alice twice and Bob and Carol never)."""
    from partners.business_plans import plan_progress
    from partners.models import JointBusinessPlan

    established(partner)
    quarter = previous_quarter(current_quarter().key)
    alice, bob, carol = (UserFactory(partner=partner) for _ in range(3))
    issued, expires = at(quarter.start - timedelta(days=30)), at(quarter.end + timedelta(days=200))
    for user, kind in [(alice, "sales"), (alice, "technical"), (bob, "specialty"), (carol, "developer")]:
        Certificate.objects.create(
            certification=CertificationFactory(kind=kind),
            user=user,
            partner=partner,
            issued_at=issued,
            expires_at=expires,
        )
    plan = JointBusinessPlan.objects.create(partner=partner, period=quarter.key, certified_people_target=6)
    rebuild_kpis()
    assert snapshot(partner, quarter.key).certified_people == 3
    row = next(r for r in plan_progress(plan) if r["name"] == "Certified people")
    assert (row["actual"], row["percent"]) == (Decimal(3), 50)


# --- MDF utilisation -------------------------------------------------------------------------------------


def test_mdf_utilisation_is_the_mdf_apps_definition_everywhere(partner, program_admin):
    """Acme's fund of the fixture month: 7,000 accrued + 4,000 allocated = 11,000 earned; 3,000 still
    committed + 2,000 paid = 5,000 invested: 5,000 / 11,000 = 0.4545 (45.5 % on the MDF program page).
    Requests approved 4,000 and claims paid 1,000 in the month (old KPI: 1,000 / 4,000 = 0.25)."""
    from mdf.selectors import program_view, utilisation, utilisation_of

    established(partner)
    month = fixture_month()
    Fund.objects.create(
        partner=partner,
        period=month.key,
        period_start=month.start,
        period_end=month.end - timedelta(days=1),
        expires_at=month.end + timedelta(days=90),
        currency="USD",
        accrued=Decimal("7000"),
        allocated=Decimal("4000"),
        committed=Decimal("3000"),
        paid=Decimal("2000"),
        available=Decimal("6000"),
    )
    requester = UserFactory(partner=partner)
    request = MdfRequest.objects.create(
        partner=partner,
        activity_type=ActivityTypeFactory(),
        title="Roadshow",
        start_date=month.start,
        end_date=month.start,
        total_cost=Decimal("8000"),
        requested_amount=Decimal("4000"),
        approved_amount=Decimal("4000"),
        status=RequestStatus.APPROVED,
        requested_by=requester,
        decided_at=at(month.start),
    )
    MdfClaim.objects.create(
        request=request,
        partner=partner,
        actual_cost=Decimal("2000"),
        claimed_amount=Decimal("1000"),
        approved_amount=Decimal("1000"),
        status=ClaimStatus.PAID,
        payment_reference="PAY-9",
        submitted_by=requester,
        paid_at=at(month.start + timedelta(days=2)),
    )
    rebuild_kpis()

    expected = Decimal("0.4545")
    assert utilisation(committed=3000, paid=2000, accrued=7000, allocated=4000) == expected
    row = snapshot(partner, month.key)
    assert (row.mdf_earned, row.mdf_invested, row.mdf_utilisation) == (
        Decimal("11000.00"),
        Decimal("5000.00"),
        expected,
    )
    assert snapshot(partner, quarter_of(month.start).key).mdf_utilisation == expected
    # The selector over the same funds gives the snapshot's figure (the SQL mirror is proven equal).
    assert utilisation_of(Fund.objects.filter(partner=partner, period_start__gte=month.start)) == expected
    # The program dashboard's tier groups and the MDF program view say the same.
    groups = {r["key"]: r for r in selectors.program_groups(period=quarter_of(month.start), group_by="tier")}
    assert groups[partner.tier_id]["mdf_utilisation"] == expected
    rows = {r["tier"]: r for r in program_view(program_admin)["tier_rows"]}
    assert rows[partner.tier.name]["utilisation"] == Decimal("45.5")


def test_utilisation_without_earned_funds_is_none_and_caps_at_what_a_snapshot_holds():
    from mdf.selectors import utilisation

    assert utilisation(committed=100, paid=0, accrued=0, allocated=0) is None
    assert utilisation(committed=0, paid=100, accrued=-50, allocated=0) is None
    assert utilisation(committed=0, paid=90000, accrued=Decimal("0.01"), allocated=0) == Decimal("999.9999")
    assert utilisation(committed=1, paid=1, accrued=3, allocated=0) == Decimal("0.6667")  # half-up


# --- Scorecards start at the partner's first quarter ---------------------------------------------------------


def test_no_scorecard_for_a_quarter_before_the_partner_existed(partner, other_partner):
    """Acme joined today: scored this quarter only; a stale scorecard of last quarter is removed. Globex
    joined two years ago: scored in both."""
    established(other_partner)
    partner.joined_at = timezone.localdate()
    partner.save(update_fields=["joined_at"])
    now, before = current_quarter(), previous_quarter(current_quarter().key)
    Scorecard.objects.create(partner=partner, period=before.key, period_start=before.start, total=Decimal("0"))
    assert compute_scorecards(periods=[before.key, now.key]) == 3
    assert set(Scorecard.objects.filter(partner=partner).values_list("period", flat=True)) == {now.key}
    assert set(Scorecard.objects.filter(partner=other_partner).values_list("period", flat=True)) == {
        before.key,
        now.key,
    }
