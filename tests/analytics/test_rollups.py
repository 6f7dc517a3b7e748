"""Rollups: incremental equals full rebuild, dirty partners from events, on-demand runs, tasks."""

import random
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from analytics import services, tasks
from analytics.models import DirtyPartner, KpiSnapshot, RollupKind, RollupRun, RollupStatus
from deals import services as deal_services
from deals.models import DealRegistration, DealStatus, Influence
from partners.models import TierChange
from prm.events import dispatch
from prm.exceptions import DomainError
from prm.models import DomainEvent
from tests.analytics.kpi_fixture import at, build, deal, fixture_month
from tests.factories import PartnerFactory, tier

pytestmark = pytest.mark.django_db

SKIP = {"id", "computed_at"}


def table() -> dict:
    fields = [f.attname for f in KpiSnapshot._meta.concrete_fields if f.attname not in SKIP]
    return {(row["partner_id"], row["period"]): row for row in KpiSnapshot.objects.values(*fields)}


def test_incremental_rebuilds_agree_with_a_full_rebuild_after_random_changes(partner, other_partner):
    build(partner, other_partner)
    extra = [PartnerFactory() for _ in range(3)]
    everyone = [partner, other_partner, *extra]
    services.rebuild_kpis()
    rng = random.Random(7)  # noqa: S311
    d0 = fixture_month().start
    touched = set()
    for step in range(25):
        who = rng.choice(everyone)
        day = d0 - timedelta(days=rng.randint(0, 200))
        status = rng.choice([DealStatus.WON, DealStatus.LOST, DealStatus.APPROVED, DealStatus.EXPIRED])
        made = deal(
            who,
            status=status,
            amount=str(rng.randint(1, 90) * 1000),
            submitted=day - timedelta(days=rng.randint(0, 40)),
            decided=day,
            close=day if status in (DealStatus.WON, DealStatus.LOST) else None,
            currency=rng.choice(["USD", "USD", "USD", "EUR"]),
        )
        touched.add(who.pk)
        if step % 3 == 0:
            influencer = rng.choice([p for p in everyone if p != who])
            Influence.objects.create(deal=made, partner=influencer, kind="endorsement", created_at=at(day))
            touched.add(influencer.pk)
    # A deal changes hands' fate: the influencer of an existing deal is touched when it is won.
    existing = DealRegistration.objects.filter(status=DealStatus.APPROVED, partner=other_partner).first()
    DealRegistration.objects.filter(pk=existing.pk).update(status=DealStatus.WON, close_date=d0)
    touched |= {other_partner.pk, *Influence.objects.filter(deal=existing).values_list("partner_id", flat=True)}

    # Tier history: a partner promoted mid-horizon (its earlier periods keep the old tier, both ways).
    promoted = extra[0]
    promoted.joined_at, promoted.tier = d0 - timedelta(days=400), tier("Gold")
    promoted.save(update_fields=["joined_at", "tier"])
    change = TierChange.objects.create(
        partner=promoted, from_tier=tier("Registered"), to_tier=tier("Gold"), kind="promotion"
    )
    TierChange.objects.filter(pk=change.pk).update(created_at=at(d0 - timedelta(days=40)))
    touched.add(promoted.pk)

    services.rebuild_kpis(partner_ids=touched)
    incremental = table()
    services.rebuild_kpis()
    full = table()
    assert incremental.keys() == full.keys()
    for key, row in full.items():
        assert incremental[key] == row, key
    assert any(row["influenced_bookings"] for row in full.values())
    assert len({row["tier_id"] for key, row in full.items() if key[0] == promoted.pk}) == 2


def test_an_incremental_rebuild_leaves_other_partners_rows_alone(partner, other_partner):
    build(partner, other_partner)
    services.rebuild_kpis()
    before = KpiSnapshot.objects.filter(partner=other_partner).values_list("pk", flat=True)
    before = set(before)
    services.rebuild_kpis(partner_ids=[partner.pk])
    assert set(KpiSnapshot.objects.filter(partner=other_partner).values_list("pk", flat=True)) == before


def test_a_won_deal_marks_its_partner_and_influencers_dirty_and_the_incremental_task_drains_them(
    partner, other_partner, channel_manager, django_capture_on_commit_callbacks
):
    target = deal(other_partner, status=DealStatus.APPROVED, amount="12000", submitted=timezone.localdate())
    Influence.objects.create(deal=target, partner=partner, kind="endorsement")
    deal_services.mark_won(deal=target, actor=channel_manager, amount=Decimal("12000"), close_date=timezone.localdate())
    event = DomainEvent.objects.get(name="deal.won")
    dispatch(event.pk)
    assert set(DirtyPartner.objects.values_list("partner_id", flat=True)) == {partner.pk, other_partner.pk}

    rows = tasks.incremental_rollup()
    assert rows > 0 and not DirtyPartner.objects.exists()
    period = timezone.localdate().strftime("%Y-%m")
    assert KpiSnapshot.objects.get(partner=other_partner, period=period).sourced_bookings == Decimal("12000.00")
    assert KpiSnapshot.objects.get(partner=partner, period=period).influenced_bookings == Decimal("12000.00")
    run = RollupRun.objects.get(kind=RollupKind.INCREMENTAL)
    assert run.status == RollupStatus.DONE and run.partners == 2
    assert tasks.incremental_rollup() == 0  # nothing dirty: nothing to do


def test_other_events_do_not_mark_partners(partner):
    DomainEvent.objects.create(name="partner.created", partner=partner)
    dispatch(DomainEvent.objects.get().pk)
    assert not DirtyPartner.objects.exists()


def test_program_admin_requests_a_rollup_and_a_second_is_refused_until_it_finishes(
    program_admin, partner, django_capture_on_commit_callbacks
):
    run = services.request_rollup(user=program_admin)
    assert run.status == RollupStatus.QUEUED and run.active
    with pytest.raises(DomainError):
        services.request_rollup(user=program_admin)
    tasks.run_rollup(run.pk)
    run.refresh_from_db()
    assert run.status == RollupStatus.DONE and run.percent == 100 and not run.active
    assert run.rows == KpiSnapshot.objects.count() > 0
    assert tasks.run_rollup(run.pk) == 0  # a second delivery does nothing
    assert services.request_rollup(user=program_admin).status == RollupStatus.QUEUED


@pytest.mark.parametrize("role", ["channel_manager", "finance_user", "partner_admin"])
def test_only_program_admins_may_request_a_rollup(role, request):
    with pytest.raises(PermissionDenied):
        services.request_rollup(user=request.getfixturevalue(role))


def test_the_nightly_rollup_rebuilds_everything_and_skips_while_a_run_is_active(partner, program_admin):
    assert tasks.nightly_rollup() > 0
    assert RollupRun.objects.get().status == RollupStatus.DONE
    services.request_rollup(user=program_admin)
    assert tasks.nightly_rollup() == 0


def test_a_failed_run_releases_the_slot_and_records_the_error(partner, program_admin, monkeypatch):
    run = services.start_run(kind=RollupKind.FULL, user=program_admin)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.kpis, "write_months", broken)
    with pytest.raises(RuntimeError):
        services.execute_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RollupStatus.FAILED and "went away" in run.error and not run.active


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_requests_queue_exactly_one_run(program_admin):
    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL")
    barrier, outcomes = threading.Barrier(2), []

    def request():
        barrier.wait()
        try:
            services.start_run(kind=RollupKind.FULL, user=program_admin)
            outcomes.append("queued")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["queued", "refused"]
    assert RollupRun.objects.filter(active=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_full_and_incremental_rebuilds_do_not_collide(partner, other_partner):
    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL")
    build(partner, other_partner)
    errors = []

    def rebuild(ids):
        try:
            services.rebuild_kpis(partner_ids=ids)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rebuild, args=(ids,)) for ids in (None, [partner.pk], None, [other_partner.pk])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    before = table()
    services.rebuild_kpis()
    assert table() == before
