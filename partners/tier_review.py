"""The quarterly tier review (DESIGN.md: Tiers).

Every onboarding or active partner is measured set-based (one provider call per metric and chunk of
partners). Its qualifying tier is the highest one whose requirements it meets:
- above its tier: promoted at once;
- at its tier: kept (an at-risk flag from the last review is cleared);
- below its tier: flagged at risk, or demoted to the qualifying tier if it was already at risk from an
  earlier review; a channel manager's "keep tier" override spares it once.
One TierReview per quarter and one outcome per partner: running the same quarter again changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
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
from prm.audit import record_audit
from prm.events import record_event
from prm.periods import parse_period, quarter_of

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


def period_key(period: str | None, on: date | None = None) -> str:
    if period:
        try:
            parsed = parse_period(period)
        except ValueError as error:
            raise ValidationError({"period": str(error)}) from error
        if "-Q" not in parsed.key:
            raise ValidationError({"period": _("Tier reviews are quarterly: use a quarter like 2026-Q4.")})
        return parsed.key
    return quarter_of(on or timezone.localdate()).key


def _reviewed_partners():
    return (
        Partner.objects.filter(status__in=REVIEWED_STATUSES)
        .only("id", "name", "tier_id", "status", "at_risk_review_id", "at_risk_since", "channel_manager_id")
        .order_by("pk")
    )


def _measurements(values: dict, missing: dict, partner_id: int) -> dict:
    """The measured values as text, and per money metric what it left unconverted ("1200.00 CHF")."""
    measured = {metric: str(value) for metric, value in values.items()}
    for metric, by_partner in missing.items():
        if by_partner.get(partner_id):
            rows = by_partner[partner_id]
            measured[f"{metric}_unconverted"] = ", ".join(f"{row['amount']} {row['currency']}" for row in rows)
    return measured


def propose(*, partners, on: date, review: TierReview | None = None) -> list[Proposal]:
    """What the review would do for each partner; reads only, a fixed number of queries per chunk."""
    tiers = tier_engine.ranked_tiers()
    by_id = {tier.pk: tier for tier in tiers}
    metrics = tier_engine.measured_metrics(tiers)
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
            was_at_risk = partner.at_risk_review_id is not None and (
                review is None or partner.at_risk_review_id != review.pk
            )
            if qualified.rank > current.rank:
                action, to_tier = ReviewAction.PROMOTE, qualified
            elif qualified.rank == current.rank:
                action = ReviewAction.RECOVERED if was_at_risk else ReviewAction.KEEP
                to_tier = current
            elif hold is not None:
                action, to_tier = ReviewAction.OVERRIDDEN, current
            elif was_at_risk:
                action, to_tier = ReviewAction.DEMOTE, qualified
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
    """Every proposed change of the review, without writing anything (the program admin's preview)."""
    on = on or timezone.localdate()
    key = period_key(period, on)
    review = TierReview.objects.filter(period=key).first()
    proposals = [] if review and review.completed_at else propose(partners=_reviewed_partners(), on=on, review=review)
    return {"period": key, "review": review, "proposals": proposals, "evaluated_on": on}


def run_tier_review(*, period: str | None = None, actor: User | None = None, on: date | None = None) -> TierReview:
    """Apply the review for a quarter once: promotions, at-risk flags, demotions, history and events."""
    from partners.services import change_partner_tier

    if actor is not None and actor.role != Role.PROGRAM_ADMIN:
        raise PermissionDenied(_("Only program admins run the tier review."))
    on = on or timezone.localdate()
    key = period_key(period, on)
    review, _created = TierReview.objects.get_or_create(period=key, defaults={"evaluated_on": on, "started_by": actor})
    with transaction.atomic():
        review = TierReview.objects.select_for_update().get(pk=review.pk)
        if review.completed_at is not None:
            return review  # idempotent: the quarter was reviewed already
        proposals = propose(partners=_reviewed_partners(), on=review.evaluated_on, review=review)
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
                    f"after being flagged at risk at the previous review.",
                )
            if proposal.action == ReviewAction.FLAG_AT_RISK:
                flag_ids.append(partner.pk)
                record_event(
                    "partner.tier_at_risk",
                    partner=partner,
                    subject=partner,
                    payload={
                        "partner_id": partner.pk,
                        "partner_name": partner.name,
                        "tier": proposal.from_tier.name,
                        "qualified_tier": proposal.qualified_tier.name,
                        "period": key,
                        "channel_manager_id": partner.channel_manager_id,
                    },
                )
            elif partner.at_risk_review_id is not None:
                clear_ids.append(partner.pk)
        if flag_ids:
            Partner.objects.filter(pk__in=flag_ids).update(at_risk_since=review.evaluated_on, at_risk_review=review)
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
        if actor is not None and review.started_by_id is None:
            review.started_by = actor
        review.save(update_fields=["completed_at", "started_by"])
        record_audit(
            actor=actor,
            obj=review,
            action="tier_review_completed",
            to_state="completed",
            changes={action: sum(1 for p in proposals if p.action == action) for action in ReviewAction.values},
        )
    return review


def override_tier(
    *, actor: User, partner: Partner, decision: str, reason: str, to_tier: Tier | None = None
) -> TierOverride:
    """A channel manager overrides the rules for one partner, either way, with a reason on record:
    keep its tier at the next review (clears the at-risk flag) or move it to another tier now."""
    from partners.services import change_partner_tier

    if actor.role not in (Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN):
        raise PermissionDenied(_("Only channel managers and program admins override the tier review."))
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
