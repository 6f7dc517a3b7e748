"""Writes of scorecards: channel managers' quarterly ratings and the program admin's weights and targets."""

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from analytics.models import CriterionSource, ScorecardCriterion, ScorecardRating
from analytics.scorecards.scoring import compute_scorecards, current_quarter, quarter
from analytics.tasks import recompute_scorecards
from partners.models import Partner
from prm.audit import record_audit
from prm.periods import quarter_of

WEIGHT_TOTAL = 100


def rating_field(partner_id: int, criterion_id: int) -> str:
    """The name of a rating's input on the grid (and its key in ValidationError dicts)."""
    return f"r_{partner_id}_{criterion_id}"


def note_field(partner_id: int, criterion_id: int) -> str:
    return f"n_{partner_id}_{criterion_id}"


def rate_partners(*, user, period: str, ratings: list[dict]) -> int:
    """Save a quarter's ratings of qualitative criteria, then recompute the scorecards they touch.

    `ratings`: [{partner_id, criterion_id, rating (1-5, or None to clear this quarter's rating), note}].
    A channel manager rates only the partners in their book (PermissionDenied otherwise); program admins
    rate any partner. Returns the number of ratings saved or cleared.
    """
    access.require(user, "analytics.rate_partners")
    try:
        period_key = quarter(period).key
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    if period_key > current_quarter().key:
        raise ValidationError({"period": _("A future quarter cannot be rated yet.")})
    rated = {c.pk: c for c in ScorecardCriterion.objects.filter(source=CriterionSource.RATING)}
    partner_ids = {int(r["partner_id"]) for r in ratings}
    partners = {p.pk: p for p in Partner.objects.filter(pk__in=partner_ids).only("pk", "name", "channel_manager_id")}
    _check_ratings(user, ratings, rated, partners)

    now = timezone.now()
    keep, clear = [], []
    for row in ratings:
        if row.get("rating") in (None, ""):
            clear.append((int(row["partner_id"]), int(row["criterion_id"])))
        else:
            keep.append(
                ScorecardRating(
                    partner_id=int(row["partner_id"]),
                    period=period_key,
                    criterion_id=int(row["criterion_id"]),
                    rating=int(row["rating"]),
                    note=(row.get("note") or "").strip(),
                    rated_by=user,
                    updated_at=now,
                )
            )
    with transaction.atomic():
        before = {
            (r.partner_id, r.criterion_id): (r.rating, r.note)
            for r in ScorecardRating.objects.filter(partner_id__in=partner_ids, period=period_key)
        }
        changed = [r for r in keep if before.get((r.partner_id, r.criterion_id)) != (r.rating, r.note)]
        removed = [key for key in clear if key in before]
        ScorecardRating.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["partner", "period", "criterion"],
            update_fields=["rating", "note", "rated_by", "updated_at"],
        )
        for partner_id, criterion_id in removed:
            ScorecardRating.objects.filter(partner_id=partner_id, period=period_key, criterion_id=criterion_id).delete()
        touched = sorted({r.partner_id for r in changed} | {partner_id for partner_id, _ in removed})
        for partner_id in touched:
            record_audit(
                actor=user,
                obj=partners[partner_id],
                action="rate_scorecard",
                reason=period_key,
                changes={
                    rated[r.criterion_id].key: [before.get((partner_id, r.criterion_id), (None,))[0], r.rating]
                    for r in changed
                    if r.partner_id == partner_id
                }
                | {rated[c].key: [before[(p, c)][0], None] for p, c in removed if p == partner_id},
            )
    if touched:
        # A rating carries forward: recompute its quarter and every later one up to the current quarter.
        compute_scorecards(periods=_quarters_from(period_key), partner_ids=touched)
    return len(changed) + len(removed)


def _check_ratings(user, ratings: list[dict], rated: dict, partners: dict) -> None:
    """Refuse a partner outside the user's book (PermissionDenied); ValidationError with every bad field."""
    errors = {}
    for row in ratings:
        partner = partners.get(int(row["partner_id"]))
        if partner is None:
            raise ValidationError(_("One of the partners no longer exists."))
        if not access.can(user, "analytics.rate_partner", partner):
            raise PermissionDenied(
                _("%(partner)s is not in your book: only its channel manager rates it.") % {"partner": partner.name}
            )
        field = rating_field(partner.pk, int(row["criterion_id"]))
        if int(row["criterion_id"]) not in rated:
            errors[field] = _("This criterion is measured from KPIs, not rated.")
        elif row.get("rating") not in (None, "") and int(row["rating"]) not in range(1, 6):
            errors[field] = _("Choose a rating from 1 to 5.")
        elif len(row.get("note") or "") > 300:
            errors[note_field(partner.pk, int(row["criterion_id"]))] = _("Keep the note under 300 characters.")
    if errors:
        raise ValidationError(errors)


def _quarters_from(period_key: str) -> list[str]:
    keys, current = [], current_quarter()
    period = quarter(period_key)
    while period.start <= current.start:
        keys.append(period.key)
        period = quarter_of(period.end + timedelta(days=1))
    return keys


def update_criteria(*, user, changes: dict[str, dict]) -> list[ScorecardCriterion]:
    """Edit criteria weights (and measured criteria's targets); the weights must add up to 100.

    `changes`: {criterion key: {"weight": int, "target": Decimal | None}}. Audited per criterion; the
    current quarter's scorecards are recomputed by a Celery task after commit.
    """
    access.require(user, "analytics.edit_weights")
    with transaction.atomic():
        criteria = list(ScorecardCriterion.objects.select_for_update().order_by("position", "id"))
        errors = {}
        updated = []
        for criterion in criteria:
            change = changes.get(criterion.key, {})
            weight = change.get("weight", criterion.weight)
            try:
                weight = int(weight)
            except (TypeError, ValueError):
                errors[f"weight_{criterion.key}"] = _("Enter a whole number.")
                continue
            if not 0 <= weight <= 100:
                errors[f"weight_{criterion.key}"] = _("A weight is between 0 and 100.")
            target = criterion.target
            if criterion.source == CriterionSource.KPI and "target" in change:
                try:
                    target = Decimal(str(change["target"])).quantize(Decimal("0.01"))
                except (InvalidOperation, TypeError, ValueError):
                    errors[f"target_{criterion.key}"] = _("Enter a number.")
                    continue
                if target <= 0:
                    errors[f"target_{criterion.key}"] = _("The target must be above zero.")
            updated.append((criterion, weight, target))
        if not errors and sum(weight for _, weight, _ in updated) != WEIGHT_TOTAL:
            total = sum(weight for _, weight, _ in updated)
            errors["__all__"] = _("The weights must add up to %(expected)s; they add up to %(total)s.") % {
                "expected": WEIGHT_TOTAL,
                "total": total,
            }
        if errors:
            raise ValidationError(errors)
        for criterion, weight, target in updated:
            diff = {}
            if criterion.weight != weight:
                diff["weight"] = [criterion.weight, weight]
            if criterion.target != target:
                diff["target"] = [str(criterion.target), str(target)]
            if not diff:
                continue
            criterion.weight, criterion.target = weight, target
            criterion.save(update_fields=["weight", "target"])
            record_audit(actor=user, obj=criterion, action="update_scorecard_criterion", changes=diff)
        transaction.on_commit(_queue_recompute)
    return criteria


def _queue_recompute() -> None:
    try:
        recompute_scorecards.delay(periods=[current_quarter().key])
    except Exception:  # broker down: the nightly rollup recomputes them anyway
        logging.getLogger(__name__).warning("could not queue the scorecard recompute", exc_info=True)
