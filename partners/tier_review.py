"""The quarterly tier review (the rules are in docs/tiers.md).

Every rule of the review lives here:
- The review of quarter Q measures Q's complete data whenever it runs: the 12 months ending on Q's last day.
  The scheduled task (first day of each fiscal quarter) reviews the quarter that has just ended.
- A review can be applied only once its quarter has ended, and never before a later quarter's applied
  review; before that it is a preview.
- Every onboarding or active partner is measured set-based (one provider call per metric and chunk of
  partners). Its qualifying tier is the highest one whose requirements it meets:
  - above its tier: promoted at once;
  - at its tier: kept (an at-risk flag is cleared);
  - below its tier: flagged at risk; a partner flagged by the review of the previous quarter is demoted
    one tier (never more per review), and flagged again if it is still short of the tier below; a flag
    from an older review only renews the flag; a channel manager's "keep tier" override spares it once.
One TierReview per quarter and one outcome per partner: running the same quarter again changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from partners import tier_engine
from partners.models import (
    Partner,
    PartnerStatus,
    ReviewAction,
    Tier,
    TierOverride,
    TierOverrideDecision,
    TierReview,
    TierReviewOutcome,
)
from partners.services import change_partner_tier
from prm.audit import record_audit
from prm.events import record_event
from prm.periods import Period, parse_period, quarter_of

REVIEWED_STATUSES = (PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE)


@dataclass
class Proposal:
    partner: Partner
    from_tier: Tier
    qualified_tier: Tier
    to_tier: Tier
    action: str
    measurements: dict = field(default_factory=dict)
    override: TierOverride | None = None

    def get_action_display(self) -> str:
        return ReviewAction(self.action).label

    @property
    def changes_tier(self) -> bool:
        return self.to_tier.pk != self.from_tier.pk

    @property
    def at_risk_tier(self) -> Tier | None:
        """The tier the partner is flagged at risk of after this review: its tier when flagged, the tier
        below when demoted one step and still short of it."""
        if self.action == ReviewAction.FLAG_AT_RISK:
            return self.from_tier
        if self.action == ReviewAction.DEMOTE and self.qualified_tier.rank < self.to_tier.rank:
            return self.to_tier
        return None


# --- Quarters: which one a review measures, when it can be applied -------------------------------------


def previous_quarter(quarter: Period) -> Period:
    return quarter_of(quarter.start - timedelta(days=1))


def next_quarter(quarter: Period) -> Period:
    return quarter_of(quarter.end)


def last_ended_quarter(today: date) -> Period:
    """The quarter the scheduled review reviews when it runs on `today`: the latest one that has ended."""
    return previous_quarter(quarter_of(today))


def measured_on(quarter: Period) -> date:
    """The review of a quarter measures the 12 months ending on the quarter's last day."""
    return quarter.end - timedelta(days=1)


def applicable_from(quarter: Period) -> date:
    """The first day the review of `quarter` can be applied (the schedule runs it that day)."""
    return quarter.end


def _quarter(period: str) -> Period:
    try:
        parsed = parse_period(period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from error
    if "-Q" not in parsed.key:
        raise ValidationError({"period": _("Tier reviews are quarterly: use a quarter like 2026-Q4.")})
    return parsed


def period_key(period: str | None, on: date | None = None) -> str:
    """The quarter `period` names, or by default the last one that ended before `on` (today)."""
    if period:
        return _quarter(period).key
    return last_ended_quarter(on or timezone.localdate()).key


def default_preview_period(today: date | None = None) -> str:
    """The review to look at first: the last ended quarter until it is applied, then the running quarter."""
    today = today or timezone.localdate()
    due = last_ended_quarter(today)
    if TierReview.objects.filter(period=due.key, completed_at__isnull=False).exists():
        return quarter_of(today).key
    return due.key


def refusal(quarter: Period, today: date) -> str | None:
    """Why the review of `quarter` cannot be applied on `today` (None: it can)."""
    if applicable_from(quarter) > today:
        return _(
            "The %(period)s review can be applied from %(date)s, once the quarter has ended; until then it is a "
            "preview."
        ) % {"period": quarter.key, "date": applicable_from(quarter).isoformat()}
    later = (
        TierReview.objects.filter(completed_at__isnull=False, period__gt=quarter.key)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    if later:
        return _("The %(later)s review is applied already; an earlier quarter can no longer be applied.") % {
            "later": later
        }
    return None


def _reviewed_partners():
    return (
        Partner.objects.filter(status__in=REVIEWED_STATUSES)
        .only("id", "name", "tier_id", "status", "at_risk_review_id", "at_risk_since", "channel_manager_id")
        .order_by("pk")
    )


def _one_below(tiers, tier):
    lower = [t for t in tiers if t.rank < tier.rank]
    return max(lower, key=lambda t: t.rank) if lower else tier


def propose(*, partners, quarter: Period, review: TierReview | None = None) -> list[Proposal]:
    """What the review of `quarter` would do for each partner; reads only, a fixed number of queries per chunk."""
    tiers = tier_engine.ranked_tiers()
    by_id = {tier.pk: tier for tier in tiers}
    metrics = tier_engine.measured_metrics(tiers)
    # Only the previous quarter's flags are due: a partner flagged at review Q is demoted by review Q+1.
    due_flag = (
        TierReview.objects.filter(period=previous_quarter(quarter).key, completed_at__isnull=False)
        .values_list("pk", flat=True)
        .first()
    )
    on = measured_on(quarter)
    partners = list(partners)
    proposals: list[Proposal] = []
    for start in range(0, len(partners), tier_engine.CHUNK):
        chunk = partners[start : start + tier_engine.CHUNK]
        ids = [p.pk for p in chunk]
        values = tier_engine.measure_all(ids, on, metrics)
        since, until = tier_engine.window(on)
        # Amounts a money metric could not convert are recorded with the measurements (docs/fx.md).
        missing = {metric: tier_engine.unconverted(metric, ids, since, until) for metric in metrics}
        holds = {}
        for override in TierOverride.objects.filter(
            partner_id__in=ids, decision=TierOverrideDecision.KEEP_TIER, used_by_review__isnull=True
        ).order_by("created_at"):
            holds[override.partner_id] = override
        for partner in chunk:
            current = by_id[partner.tier_id]
            qualified = tier_engine.qualifying_tier(tiers, values[partner.pk])
            hold = holds.get(partner.pk)
            flagged = partner.at_risk_review_id is not None and (
                review is None or partner.at_risk_review_id != review.pk
            )
            if qualified.rank > current.rank:
                action, to_tier = ReviewAction.PROMOTE, qualified
            elif qualified.rank == current.rank:
                action = ReviewAction.RECOVERED if flagged else ReviewAction.KEEP
                to_tier = current
            elif hold is not None:
                action, to_tier = ReviewAction.OVERRIDDEN, current
            elif due_flag is not None and partner.at_risk_review_id == due_flag:
                action, to_tier = ReviewAction.DEMOTE, _one_below(tiers, current)
            else:
                action, to_tier = ReviewAction.FLAG_AT_RISK, current
            proposals.append(
                Proposal(
                    partner=partner,
                    from_tier=current,
                    qualified_tier=qualified,
                    to_tier=to_tier,
                    action=action,
                    measurements={metric: str(v) for metric, v in values[partner.pk].items()}
                    | {
                        f"{metric}_unconverted": ", ".join(
                            f"{row['amount']} {row['currency']}" for row in rows[partner.pk]
                        )
                        for metric, rows in missing.items()
                        if rows.get(partner.pk)
                    },
                    override=hold,
                )
            )
    return proposals


def preview_tier_review(*, period: str | None = None, on: date | None = None) -> dict:
    """Every proposed change of the review, without writing anything (the program admin's preview).
    `period` defaults to default_preview_period; `on` is today."""
    on = on or timezone.localdate()
    quarter = _quarter(period or default_preview_period(on))
    review = TierReview.objects.filter(period=quarter.key).first()
    completed = bool(review and review.completed_at)
    proposals = [] if completed else propose(partners=_reviewed_partners(), quarter=quarter, review=review)
    return {
        "period": quarter.key,
        "review": review,
        "proposals": proposals,
        "evaluated_on": measured_on(quarter),
        "applicable_from": applicable_from(quarter),
        "refusal": None if completed else refusal(quarter, on),
    }


def _unmet(tier: Tier, proposal: Proposal) -> list[dict]:
    values = {metric: Decimal(v) for metric, v in proposal.measurements.items()}
    return [
        {"metric": row["metric"], "required": str(row["required"]), "actual": str(row["actual"])}
        for row in tier_engine.requirement_rows(tier, values)
        if not row["met"]
    ]


def _apply_proposals(proposals, *, key: str, next_review_on: date) -> tuple[list[int], list[int]]:
    """Promote and demote as proposed and publish the at-risk events; returns the ids of the partners to
    flag at risk and of those whose flag clears."""
    flag_ids, clear_ids = [], []
    for proposal in proposals:
        partner = proposal.partner
        if proposal.action == ReviewAction.PROMOTE:
            change_partner_tier(
                actor=None,
                partner=partner,
                tier=proposal.to_tier,
                reason=f"Tier review {key}: meets every {proposal.to_tier.name} requirement.",
            )
        elif proposal.action == ReviewAction.DEMOTE:
            change_partner_tier(
                actor=None,
                partner=partner,
                tier=proposal.to_tier,
                reason=f"Tier review {key}: still short of the {proposal.from_tier.name} requirements "
                f"after being flagged at risk at the previous review; one tier down.",
            )
        at_risk_of = proposal.at_risk_tier
        if at_risk_of is not None:
            flag_ids.append(partner.pk)
            record_event(
                "partner.tier_at_risk",
                partner=partner,
                subject=partner,
                payload={
                    "partner_id": partner.pk,
                    "partner_name": partner.name,
                    "tier": at_risk_of.name,
                    "qualified_tier": proposal.qualified_tier.name,
                    "period": key,
                    "channel_manager_id": partner.channel_manager_id,
                    "unmet": _unmet(at_risk_of, proposal),
                    "next_review_on": next_review_on.isoformat(),
                },
            )
        elif partner.at_risk_review_id is not None:
            clear_ids.append(partner.pk)
    return flag_ids, clear_ids


def run_tier_review(*, period: str | None = None, actor: User | None = None, on: date | None = None) -> TierReview:
    """Apply the review of a quarter once (default: the last quarter that ended before `on`, today):
    promotions, at-risk flags, one-step demotions, history and events."""
    if actor is not None:  # None: the scheduled run
        access.require(actor, "partners.run_tier_review", standing=False)
    on = on or timezone.localdate()
    quarter = _quarter(period_key(period, on))
    key = quarter.key
    done = TierReview.objects.filter(period=key, completed_at__isnull=False).first()
    if done is not None:
        return done  # idempotent: the quarter was reviewed already
    reason = refusal(quarter, on)
    if reason:
        raise ValidationError({"period": reason})
    next_review_on = applicable_from(next_quarter(quarter))
    review, _created = TierReview.objects.get_or_create(
        period=key, defaults={"evaluated_on": measured_on(quarter), "started_by": actor}
    )
    with transaction.atomic():
        review = TierReview.objects.select_for_update().get(pk=review.pk)
        if review.completed_at is not None:
            return review
        proposals = propose(partners=_reviewed_partners(), quarter=quarter, review=review)
        flag_ids, clear_ids = _apply_proposals(proposals, key=key, next_review_on=next_review_on)
        if flag_ids:
            Partner.objects.filter(pk__in=flag_ids).update(at_risk_since=on, at_risk_review=review)
        if clear_ids:
            Partner.objects.filter(pk__in=clear_ids).update(at_risk_since=None, at_risk_review=None)
        used = [p.override.pk for p in proposals if p.override is not None]
        if used:
            TierOverride.objects.filter(pk__in=used).update(used_by_review=review)
        TierReviewOutcome.objects.bulk_create(
            [
                TierReviewOutcome(
                    review=review,
                    partner_id=p.partner.pk,
                    from_tier=p.from_tier,
                    qualified_tier=p.qualified_tier,
                    to_tier=p.to_tier,
                    action=p.action,
                    measurements=p.measurements,
                )
                for p in proposals
            ],
            batch_size=1000,
        )
        review.completed_at = timezone.now()
        review.evaluated_on = measured_on(quarter)
        if actor is not None and review.started_by_id is None:
            review.started_by = actor
        review.save(update_fields=["completed_at", "evaluated_on", "started_by"])
        record_audit(
            actor=actor,
            obj=review,
            action="tier_review_completed",
            to_state="completed",
            changes={action: sum(1 for p in proposals if p.action == action) for action in ReviewAction.values},
        )
    return review


def at_risk_status(partner: Partner, *, on: date | None = None, tiers=None) -> dict | None:
    """What a partner flagged at risk sees: the tier at risk, its requirements measured now (the unmet ones
    apart), the review that flagged it and the date of the review that decides. None when not at risk."""
    if partner.at_risk_review_id is None:
        return None
    on = on or timezone.localdate()
    tiers = list(tiers) if tiers is not None else tier_engine.ranked_tiers()
    current = next(tier for tier in tiers if tier.pk == partner.tier_id)
    flagged_in = TierReview.objects.filter(pk=partner.at_risk_review_id).values_list("period", flat=True).first()
    flagging = _quarter(flagged_in) if flagged_in else last_ended_quarter(partner.at_risk_since or on)
    metrics = [requirement.metric for requirement in current.requirements.all()]
    rows = tier_engine.requirement_rows(current, tier_engine.measure_all([partner.pk], on, metrics)[partner.pk])
    return {
        "tier": current,
        "flagged_in": flagging.key,
        "since": partner.at_risk_since,
        "next_review_on": applicable_from(next_quarter(flagging)),
        "requirements": rows,
        "unmet": [row for row in rows if not row["met"]],
    }


def override_tier(
    *, actor: User, partner: Partner, decision: str, reason: str, to_tier: Tier | None = None
) -> TierOverride:
    """A channel manager overrides the rules for one partner, either way, with a reason on record:
    keep its tier at the next review (clears the at-risk flag) or move it to another tier now."""
    access.require(actor, "partners.override_tier_review", partner, standing=False)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the override; it is kept on record.")})
    if decision not in TierOverrideDecision.values:
        raise ValidationError({"decision": _("Choose keep the tier or change it.")})
    if decision == TierOverrideDecision.CHANGE_TIER and to_tier is None:
        raise ValidationError({"to_tier": _("Choose the tier to move the partner to.")})
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if decision == TierOverrideDecision.CHANGE_TIER:
            change_partner_tier(actor=actor, partner=partner, tier=to_tier, reason=f"Override: {reason}")
        else:
            to_tier = None
        override = TierOverride.objects.create(
            partner=partner, decision=decision, to_tier=to_tier, reason=reason, created_by=actor
        )
        Partner.objects.filter(pk=partner.pk).update(at_risk_since=None, at_risk_review=None)
        record_audit(
            actor=actor,
            obj=partner,
            action="tier_override",
            from_state="at risk" if partner.at_risk_review_id else "",
            to_state=decision,
            reason=reason,
        )
    return override
