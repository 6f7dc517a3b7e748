"""Demo data of analytics (seed_demo): the full KPI rollup over the demo's deals (the deals demo adds eight
quarters of history, demo/deals/history.py), then eight quarters of manager ratings, the scorecards and the
alerts.

The ratings are bulk and idempotent: upserted on (partner, period, criterion) with values drawn from a seeded
generator, so a rerun writes the same rows.
"""

import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from analytics.alerts import evaluate_alerts
from analytics.models import CriterionSource, RollupKind, ScorecardCriterion, ScorecardRating
from analytics.scorecards import compute_scorecards, current_quarter, quarters_ending
from analytics.services import execute_run, start_run
from partners.models import Partner
from prm.exceptions import DomainError

QUARTERS = 8
BATCH = 2000


def seed(*, seed: int, partners: int, stdout) -> None:
    try:
        run = start_run(kind=RollupKind.FULL)
    except DomainError:
        stdout.write("  analytics: a rollup is already running, skipped")
        return
    done = execute_run(run_id=run.pk)
    stdout.write(f"  analytics: KPI rollup wrote {done.rows} snapshot rows for {done.partners} partners")
    seed_scorecards(seed=seed, partners=partners, stdout=stdout)
    written = compute_scorecards(periods=None, partner_ids=None)
    stdout.write(f"  analytics: {written} scorecards computed")


def seed_scorecards(*, seed: int, partners: int, stdout) -> None:
    """Manager ratings over eight quarters, their scorecards and alerts. `partners` is the demo's partner
    count (every partner in the database is rated)."""
    rng = random.Random(seed + 9)  # noqa: S311 - reproducible demo data
    quarters = [q.key for q in quarters_ending(current_quarter().key, QUARTERS)]
    criteria = list(ScorecardCriterion.objects.filter(source=CriterionSource.RATING).order_by("position"))
    fallback = User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True).order_by("pk").first()
    rows = list(Partner.objects.order_by("pk").values_list("pk", "channel_manager_id"))
    now = timezone.now()
    ratings = []
    for partner_id, manager_id in rows:
        # Each partner has a "level" that drifts a little each quarter; a few are skipped (carried forward).
        level = rng.choice([2, 3, 3, 4, 4, 5])
        for key in quarters:
            level = min(5, max(1, level + rng.choice([-1, 0, 0, 0, 1])))
            for criterion in criteria:
                if rng.random() < 0.1:
                    continue
                ratings.append(
                    ScorecardRating(
                        partner_id=partner_id,
                        period=key,
                        criterion_id=criterion.pk,
                        rating=min(5, max(1, level + rng.choice([-1, 0, 0, 1]))),
                        rated_by_id=manager_id or (fallback.pk if fallback else None),
                        updated_at=now,
                    )
                )
    with transaction.atomic():
        for start in range(0, len(ratings), BATCH):
            ScorecardRating.objects.bulk_create(
                ratings[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["partner", "period", "criterion"],
                update_fields=["rating", "rated_by", "updated_at"],
            )
    cards = compute_scorecards(periods=quarters)
    opened = evaluate_alerts()
    stdout.write(
        f"  scorecards: {len(ratings)} ratings, {cards} scorecards over {QUARTERS} quarters, "
        f"{sum(r['open'] for r in opened.values())} open alerts"
    )
