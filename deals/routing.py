"""Automatic lead routing (docs/directory.md, "Routing rules" and "Hops").

The first active rule (by priority) that matches a lead routes it: the partners it allows (active, of a tier
whose benefits include routed leads, in the rule's regions and types, in the customer's country when the rule
says so, with the lead's specialisation, under the rule's capacity and with enough measured acceptance, never
one the lead already went to) are ranked by the rule's strategy and the first one gets it.

The candidates are read in one query (`candidate_pool`), so routing one lead is a handful of queries and the
preview of the last 100 leads is a single pass in memory.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import access
from deals.models import HopOutcome, Lead, LeadHop, LeadReturn, LeadStatus, RoutingRule, RoutingStrategy
from deals.models_routing import RoutingRuleStatus
from deals.services.leads import place_lead
from partners.models import Partner, PartnerStatus
from prm.audit import record_audit
from prm.events import record_event

ACCEPTANCE_WINDOW_DAYS = 365
PREVIEW_LEADS = 100


@dataclass
class Candidate:
    """One partner as routing sees it."""

    id: int
    name: str
    country: str
    region: str
    partner_type: str
    weight: int
    specialisations: list
    open_leads: int
    accepted: int
    missed: int
    last_routed_at: datetime | None

    @property
    def acceptance(self) -> Decimal | None:
        """Accepted / (accepted + missed) over the window; None for a partner without routed outcomes yet."""
        total = self.accepted + self.missed
        return (Decimal(self.accepted) / total).quantize(Decimal("0.001")) if total else None


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(queryset.order_by().values("partner_id").annotate(n=Count("id")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def candidate_pool(*, countries=None, now: datetime | None = None) -> list[Candidate]:
    """Every partner that may receive routed leads (its tier's benefit), with what routing measures; one
    query. `countries` narrows it (routing one lead reads only its country's partners when it can)."""
    now = now or timezone.now()
    since = now - timedelta(days=ACCEPTANCE_WINDOW_DAYS)
    partners = Partner.objects.filter(status=PartnerStatus.ACTIVE, tier__lead_routing_weight__gt=0)
    if countries is not None:
        partners = partners.filter(country__in=countries)
    own = {"partner_id": OuterRef("pk")}
    rows = partners.annotate(
        weight=Max("tier__lead_routing_weight"),
        open_leads=_count(Lead.objects.filter(**own, status=LeadStatus.ASSIGNED)),
        accepted=_count(Lead.objects.filter(**own, status=LeadStatus.ACCEPTED, assigned_at__gte=since)),
        missed=_count(LeadReturn.objects.filter(**own, excused=False, assigned_at__gte=since)),
        last_routed_at=Subquery(
            LeadHop.objects.filter(**own).order_by("-routed_at").values("routed_at")[:1]
        ),
    ).values(
        "id", "name", "country", "region", "partner_type", "weight", "specialisations", "open_leads", "accepted",
        "missed", "last_routed_at",
    )  # fmt: skip
    return [Candidate(**row) for row in rows.order_by("id")]


def rule_matches(rule: RoutingRule, lead: Lead) -> bool:
    """Does the rule take this lead (country, specialisation, product, deal size in the rule's currency)?"""
    if rule.countries and lead.customer_country.upper() not in {c.upper() for c in rule.countries}:
        return False
    if rule.specialisations and lead.specialisation not in rule.specialisations:
        return False
    if rule.products and not any(p.lower() in (lead.product or "").lower() for p in rule.products):
        return False
    if rule.min_amount is not None or rule.max_amount is not None:
        if lead.currency != rule.currency:
            return False  # bounds in one currency never compare an amount in another
        if rule.min_amount is not None and lead.amount < rule.min_amount:
            return False
        if rule.max_amount is not None and lead.amount > rule.max_amount:
            return False
    return True


def eligible(rule: RoutingRule, lead: Lead, candidate: Candidate, excluded=()) -> bool:
    if candidate.id in excluded:
        return False
    if rule.same_country and candidate.country != lead.customer_country.upper():
        return False
    if rule.regions and candidate.region not in rule.regions:
        return False
    if rule.partner_types and candidate.partner_type not in rule.partner_types:
        return False
    if lead.specialisation and lead.specialisation not in candidate.specialisations:
        return False
    if rule.capacity and candidate.open_leads >= rule.capacity:
        return False
    acceptance = candidate.acceptance
    return not (rule.min_acceptance is not None and acceptance is not None and acceptance < rule.min_acceptance)


_OLDEST = datetime.min.replace(tzinfo=timezone.get_fixed_timezone(0))


def _order(rule: RoutingRule):
    """The sort key of the rule's strategy (smallest first); ties go to the partner routed longest ago."""

    def since(c):
        return c.last_routed_at or _OLDEST

    if rule.strategy == RoutingStrategy.ROUND_ROBIN:
        return lambda c: (since(c), c.id)
    if rule.strategy == RoutingStrategy.CAPACITY:
        return lambda c: (c.open_leads, -c.weight, since(c), c.id)
    # Tier weight, scaled by measured acceptance (a partner without outcomes yet counts as fully accepting).
    return lambda c: (-(c.weight * (c.acceptance if c.acceptance is not None else 1)), c.open_leads, since(c), c.id)


def pick(rule: RoutingRule, lead: Lead, pool: list[Candidate], excluded=()) -> Candidate | None:
    fitting = [c for c in pool if eligible(rule, lead, c, excluded)]
    return min(fitting, key=_order(rule)) if fitting else None


def active_rules() -> list[RoutingRule]:
    return list(RoutingRule.objects.filter(status=RoutingRuleStatus.ACTIVE).order_by("priority", "id"))


@dataclass
class Decision:
    rule: RoutingRule | None
    partner: Candidate | None
    hop: int = 1
    excluded: list = field(default_factory=list)


def decide(lead: Lead, *, rules=None, pool=None, excluded=()) -> Decision:
    """Which rule and partner the lead goes to now (nothing written): the first matching rule, by priority, under
    which a partner qualifies."""
    rules = active_rules() if rules is None else rules
    first = None
    for rule in rules:
        if not rule_matches(rule, lead):
            continue
        candidates = pool
        if candidates is None:
            candidates = candidate_pool(countries=[lead.customer_country.upper()] if rule.same_country else None)
        chosen = pick(rule, lead, candidates, excluded)
        if chosen is not None:
            return Decision(rule=rule, partner=chosen, excluded=list(excluded))
        first = first or rule  # matched, but no partner qualifies: the next matching rule may have one
    return Decision(rule=first, partner=None, excluded=list(excluded))


def route_lead(*, lead: Lead, actor=None, rules=None) -> LeadHop | None:
    """Route the lead by the active rules: assign it to the chosen partner and record the hop (and the
    `lead.routed` event). None when no rule matches, no partner qualifies or the lead used up its hops: it
    then waits for the manager. A manager routing a vendor lead needs `deals.assign_lead`."""
    if actor is not None:
        access.require(actor, "deals.assign_lead")
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.status not in (LeadStatus.NEW, LeadStatus.RETURNED, LeadStatus.DECLINED):
            return None
        previous = list(LeadHop.objects.filter(lead=lead).values_list("partner_id", flat=True))
        decision = decide(lead, rules=rules, excluded=previous)
        if decision.rule is None or decision.partner is None or len(previous) >= decision.rule.max_hops:
            return None
        partner = Partner.objects.get(pk=decision.partner.id)
        return _place_hop(lead, partner, decision.rule, actor, number=len(previous) + 1)


def offer_to(*, lead: Lead, partner: Partner) -> LeadHop:
    """The first hop of a directory lead to the partner the visitor contacted; if it lapses, the next hops follow
    the rules (the first active rule that matches the lead gives the SLA and the number of hops)."""
    rule = next((r for r in active_rules() if rule_matches(r, lead)), None)
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        return _place_hop(lead, partner, rule, None, number=1)


def _place_hop(lead: Lead, partner: Partner, rule: RoutingRule | None, actor, *, number: int) -> LeadHop:
    if not lead.routed:
        lead.routed = True
        lead.save(update_fields=["routed"])
    lead = place_lead(lead=lead, actor=actor, partner=partner, sla_hours=rule.sla_hours if rule else None)
    hop = LeadHop.objects.create(
        lead=lead, partner=partner, rule=rule, number=number, routed_at=lead.assigned_at, accept_by=lead.accept_by
    )
    reason = f"{rule.name}: hop {number}" if rule else f"Contacted partner: hop {number}"
    record_audit(actor=actor, obj=lead, action="route", reason=reason)
    record_event("lead.routed", actor=actor, partner=partner, subject=lead, payload=hop_payload(lead, hop))
    return hop


def hop_payload(lead: Lead, hop: LeadHop) -> dict:
    return {
        "lead_id": lead.pk,
        "customer_name": lead.customer_name,
        "source": lead.source,
        "hop": hop.number,
        "partner_id": hop.partner_id,
        "rule_id": hop.rule_id,
        "accept_by": hop.accept_by.isoformat(),
    }


def end_hop(lead: Lead, outcome: str, now: datetime | None = None) -> LeadHop | None:
    """Close the lead's open hop with its outcome (accepted, declined, lapsed)."""
    hop = LeadHop.objects.filter(lead=lead, outcome=HopOutcome.PENDING).order_by("-number").first()
    if hop is not None:
        hop.outcome, hop.ended_at = outcome, now or timezone.now()
        hop.save(update_fields=["outcome", "ended_at"])
    return hop


def reclaim(*, lead: Lead, outcome: str, now: datetime | None = None) -> LeadHop | None:
    """A routed lead came back (lapsed or declined): close its hop, record `lead.reclaimed`, and offer it to the
    next partner by the same rules; None when it goes to the manager instead (no partner left, or no hops)."""
    lapsed = end_hop(lead, outcome, now)
    next_hop = route_lead(lead=lead)
    record_event(
        "lead.reclaimed",
        partner=lead.partner,
        subject=lead,
        payload={
            "lead_id": lead.pk,
            "customer_name": lead.customer_name,
            "source": lead.source,
            "hop": lapsed.number if lapsed else None,
            "outcome": outcome,
            "rerouted_to_hop": next_hop.number if next_hop else None,
            "channel_manager_id": lead.partner.channel_manager_id if lead.partner_id else None,
        },
    )
    return next_hop


@dataclass
class PreviewRow:
    lead: Lead
    rule_matches: bool
    partner: Candidate | None


def preview(rule: RoutingRule, *, leads=None) -> list[PreviewRow]:
    """Who would get each of the last 100 leads under `rule` (a draft too): one pass over one candidate pool,
    each pick counted as an open lead of its partner for the next ones, as routing them in turn would."""
    leads = list(leads if leads is not None else Lead.objects.order_by("-created_at", "-id")[:PREVIEW_LEADS])
    pool = candidate_pool()
    simulated = timezone.now()
    rows = []
    for lead in reversed(leads):
        matches = rule_matches(rule, lead)
        chosen = pick(rule, lead, pool) if matches else None
        if chosen is not None:
            chosen.open_leads += 1
            simulated += timedelta(microseconds=1)
            chosen.last_routed_at = simulated
        rows.append(PreviewRow(lead=lead, rule_matches=matches, partner=chosen))
    rows.reverse()
    return rows


def routing_counts(rows: list[PreviewRow]) -> list[tuple[str, int]]:
    """How many of the previewed leads each partner would get, most first."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.partner is not None:
            counts[row.partner.name] = counts.get(row.partner.name, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


RULE_FIELDS = (
    "name", "priority", "countries", "specialisations", "products", "min_amount", "max_amount", "currency",
    "regions", "partner_types", "same_country", "strategy", "capacity", "min_acceptance", "sla_hours", "max_hops",
)  # fmt: skip


def save_rule(*, actor, rule: RoutingRule | None = None, data: dict) -> RoutingRule:
    """Create or edit a rule from validated values (directory/forms.py RoutingRuleForm); a new rule is a draft."""
    access.require(actor, "deals.manage_routing")
    with transaction.atomic():
        created = rule is None
        rule = rule or RoutingRule(created_by=actor)
        for name in RULE_FIELDS:
            if name in data:
                setattr(rule, name, data[name])
        rule.updated_at = timezone.now()
        rule.full_clean()
        rule.save()
        record_audit(actor=actor, obj=rule, action="create" if created else "update", to_state=rule.status)
        record_event(
            "routing.rule_changed", actor=actor, subject=rule, payload={"rule_id": rule.pk, "status": rule.status}
        )
    return rule


def set_rule_status(*, actor, rule: RoutingRule, status: str) -> RoutingRule:
    """Activate a draft, retire an active rule, or take a retired one back to draft."""
    access.require(actor, "deals.manage_routing")
    if status not in RoutingRuleStatus.values:
        raise ValueError(status)
    with transaction.atomic():
        rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        before = rule.status
        rule.status, rule.updated_at = status, timezone.now()
        rule.save(update_fields=["status", "updated_at"])
        record_audit(actor=actor, obj=rule, action=status, from_state=before, to_state=status)
        record_event("routing.rule_changed", actor=actor, subject=rule, payload={"rule_id": rule.pk, "status": status})
    return rule
