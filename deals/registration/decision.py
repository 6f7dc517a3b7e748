"""The registration decision of the rules of engagement, as one pure function (docs/policy.md).

`deals.registration.register_deal` and the policy simulator (`deals.registration.simulation`) both call `decide`, so a
simulated decision is exactly the decision the portal would have taken: same rules, same order, only the
state (who holds which account until when) and the policy version differ. No database access here.

The rules of engagement (docs/policy.md):
- a match held by the same partner is a duplicate of its own deal (rule 4);
- a match held by another partner is a conflict, protected until the holder's end of protection (rule 2);
- a match that is a direct account follows the version's direct-account handling (rule 3);
- a possible match with a held or direct account goes to manual review (rule 5);
- a match with a customer another partner won in the version's incumbency days goes to review as
  `incumbent` (docs/policy.md, "Incumbency"): never a clean registration bulk approval could accept;
- anything else is submitted, for a channel manager to approve.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from deals import matching
from policy.outcomes import (  # noqa: F401 - the outcomes the decision returns
    APPROVED,
    CONFLICT,
    DIRECT_ACCOUNT,
    DUPLICATE,
    INCUMBENT,
    OUTCOME_LABELS,
    PENDING_REVIEW,
    POSSIBLE_MATCH,
    REJECTED,
    SUBMITTED,
    outcome_key,
    outcome_label,
)


@dataclass(frozen=True)
class Holder:
    """A registration that holds an account: submitted, in review or approved (rule 2)."""

    deal_id: int
    partner_id: int
    account_id: int
    tier_id: int | None = None
    protected_until: date | None = None  # None while it waits for a decision


@dataclass(frozen=True)
class Win:
    """A partner's won registration of an account: the partner is the customer's incumbent for the
    version's incumbency days after `won_on` (the close date)."""

    deal_id: int
    partner_id: int
    account_id: int
    won_on: date


def incumbent_wins(wins, account_ids, *, policy, partner_id: int, today: date) -> list:
    """The wins by other partners of `account_ids` that still make them the incumbent on `today`, newest
    first. `wins`: {account_id: [Win, ...]}; an incumbency of 0 days switches the rule off."""
    days = int(getattr(policy, "incumbency_days", 0) or 0)
    if not days or not wins:
        return []
    found = [
        win
        for account_id in account_ids
        for win in wins.get(account_id, ())
        if win.partner_id != partner_id and win.won_on <= today and (today - win.won_on).days <= days
    ]
    return sorted(found, key=lambda w: (w.won_on, w.deal_id), reverse=True)


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str = ""
    account_id: int | None = None  # the matched account the registration belongs to; None: a new customer
    conflict_with_id: int | None = None
    duplicate_of_id: int | None = None
    protected_until: date | None = None  # for a conflict: until when the customer is protected
    evidence: list = field(default_factory=list)  # the MatchEvidence kept on the registration

    @property
    def outcome(self) -> str:
        return outcome_key(self.status, self.reason)


def limits(policy) -> tuple[float, float]:
    return matching.thresholds(policy)


def classify(*, name, domain: str, country: str, candidates, policy) -> list:
    """Score the candidate accounts under the version's match thresholds."""
    return matching.classify(name=name, domain=domain, country=country, candidates=candidates, limits=limits(policy))


def protection_end(holder: Holder, policy, today: date) -> date:
    """Until when a holder blocks others: its protection, or for one still waiting the protection it
    would get if approved today under `policy`."""
    if holder.protected_until:
        return holder.protected_until
    return today + timedelta(days=policy.protection_days_for(holder.tier_id))


def approval_protected_until(policy, tier_id, day: date) -> date:
    """The end of protection of a registration approved on `day` under `policy` (rule 2)."""
    return day + timedelta(days=policy.protection_days_for(tier_id))


def decide(
    *,
    evidence,
    holders: dict,
    direct_account_ids,
    policy,
    partner_id: int,
    today: date,
    wins=None,
) -> Decision:
    """Decide one registration.

    evidence: MatchEvidence of the candidates, classified under `policy` (`classify`), best first;
    holders: {account_id: Holder} of the candidates that are held right now;
    direct_account_ids: the candidates that are direct customers or open direct opportunities;
    wins: {account_id: [Win]} of the candidates that partners won (the incumbency rule).
    """
    handling = policy.direct_account_handling
    direct_ids = set(direct_account_ids) if handling != "allow" else set()
    matches = [e for e in evidence if e.verdict == "match"]
    possibles = [e for e in evidence if e.verdict == "possible_match"]
    own = [
        holders[e.account_id]
        for e in matches
        if e.account_id in holders and holders[e.account_id].partner_id == partner_id
    ]
    others = [
        holders[e.account_id]
        for e in matches
        if e.account_id in holders and holders[e.account_id].partner_id != partner_id
    ]
    direct = [e.account_id for e in matches if e.account_id in direct_ids]
    incumbents = incumbent_wins(
        wins, [e.account_id for e in matches], policy=policy, partner_id=partner_id, today=today
    )
    incumbent_ids = {
        w.account_id
        for w in incumbent_wins(
            wins, [e.account_id for e in possibles], policy=policy, partner_id=partner_id, today=today
        )
    }
    relevant_possibles = [
        e for e in possibles if e.account_id in holders or e.account_id in direct_ids or e.account_id in incumbent_ids
    ]
    kept = matches + relevant_possibles
    account_id = matches[0].account_id if matches else None

    if own:
        return Decision(
            REJECTED, DUPLICATE, account_id=own[0].account_id, duplicate_of_id=own[0].deal_id, evidence=kept
        )
    if others:
        holder = others[0]
        return Decision(
            REJECTED,
            CONFLICT,
            account_id=holder.account_id,
            conflict_with_id=holder.deal_id,
            protected_until=protection_end(holder, policy, today),
            evidence=kept,
        )
    if direct:
        status = REJECTED if handling == "reject" else PENDING_REVIEW
        return Decision(status, DIRECT_ACCOUNT, account_id=direct[0], evidence=kept)
    if incumbents:
        # The won deal is kept for the channel manager (internal only: the partner is never told who).
        win = incumbents[0]
        return Decision(
            PENDING_REVIEW, INCUMBENT, account_id=win.account_id, conflict_with_id=win.deal_id, evidence=kept
        )
    if relevant_possibles and account_id is None:
        first = holders.get(relevant_possibles[0].account_id)
        return Decision(
            PENDING_REVIEW, POSSIBLE_MATCH, conflict_with_id=first.deal_id if first else None, evidence=kept
        )
    return Decision(SUBMITTED, account_id=account_id, evidence=kept)
