"""Leads a channel manager passes to partners: accepted within the SLA (becoming an approved registration) or
returned. A lead for a customer another registration protects cannot be accepted (docs/policy.md)."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from deals.customers import create_account
from deals.models import (
    DEAL_WORKFLOW,
    LEAD_WORKFLOW,
    Account,
    DealReason,
    DealRegistration,
    DealStatus,
    Lead,
    LeadReturn,
    LeadStatus,
)
from deals.payloads import deal_payload
from deals.registration import decision as engine
from deals.registration import evidence as ev
from deals.registration.lock import lock_customer_keys
from deals.registration.protection import expire_stale_holders
from policy.selectors import policy_at
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict, TransitionNotAllowed


def _routing():
    """deals.routing places leads through this module, so it is imported when first needed."""
    from deals import routing

    return routing


def _lead_customer(lead: Lead) -> ev.Customer:
    return ev.customer(name=lead.customer_name, domain=lead.customer_domain, country=lead.customer_country)


def _lead_matches(lead: Lead, policy) -> list:
    """The accounts matching the lead's customer under `policy` (MatchEvidence, best first)."""
    return [e for e in ev.matches(_lead_customer(lead), policy) if e.verdict == "match"]


def lead_customer_holder(lead: Lead) -> DealRegistration | None:
    """The partner registration that protects the lead's customer right now (submitted, in review, or
    approved and not past its protection), or None. While there is one, no partner can accept the lead
    (`accept_lead` refuses it): docs/policy.md, "Leads for protected customers"."""
    evidence = _lead_matches(lead, policy_at(timezone.now()))
    if not evidence:
        return None
    today = timezone.localdate()
    return (
        DealRegistration.objects.holding()
        .filter(account_id__in=[e.account_id for e in evidence])
        .exclude(status=DealStatus.APPROVED, protected_until__lt=today)
        .select_related("partner")
        .order_by("pk")
        .first()
    )


def lead_warnings(lead: Lead, holder: DealRegistration | None) -> list[str]:
    """What the channel manager is told when creating or assigning a lead whose customer is protected."""
    if holder is None:
        return []
    until = holder.protected_until or engine.approval_protected_until(
        policy_at(timezone.now()), holder.partner.tier_id, timezone.localdate()
    )
    return [
        _(
            "%(customer)s is protected for partner %(partner)s (deal #%(deal)s) until %(until)s: no partner can "
            "accept this lead until then. If the lead lapses meanwhile, it does not count against the partner."
        )
        % {"customer": lead.customer_name, "partner": holder.partner.name, "deal": holder.pk, "until": until}
    ]


def create_lead(
    *,
    actor,
    customer_name: str,
    customer_country: str,
    partner=None,
    customer_domain: str = "",
    contact_name: str = "",
    contact_email: str = "",
    product: str = "",
    amount: Decimal = Decimal("0.00"),
    currency: str | None = None,
    notes: str = "",
) -> Lead:
    """Create a lead (and assign it when `partner` is given) from converted values (deals/forms.py LeadForm,
    deals/api.py LeadCreateSerializer). `lead.warnings` lists what the manager must know, e.g. that another
    partner protects the customer (docs/policy.md). `currency` None is the program currency."""
    access.require(actor, "deals.create_lead")
    with transaction.atomic():
        lead = Lead.objects.create(
            created_by=actor,
            customer_name=customer_name,
            customer_domain=customer_domain,
            customer_country=customer_country,
            contact_name=contact_name,
            contact_email=contact_email,
            product=product,
            amount=amount,
            currency=currency or settings.DEFAULT_CURRENCY,
            notes=notes,
        )
        record_audit(actor=actor, obj=lead, action="create", to_state=lead.status)
        if partner is not None:
            lead = assign_lead(lead=lead, actor=actor, partner=partner)
        else:
            lead.warnings = lead_warnings(lead, lead_customer_holder(lead))
    return lead


def assign_lead(*, lead: Lead, actor, partner) -> Lead:
    """Pass the lead to a partner. When a partner's registration protects the customer, the lead is marked
    `customer_protected` and `lead.warnings` says so: the manager is warned, the partner is not blamed."""
    access.require(actor, "deals.assign_lead")
    return place_lead(lead=lead, actor=actor, partner=partner)


def place_lead(*, lead: Lead, actor, partner, sla_hours: int | None = None) -> Lead:
    """The assignment itself, for `assign_lead` (the manager's permission checked) and the routing rules
    (deals/routing.py, which decide the partner and the SLA hours themselves)."""
    hours = sla_hours or settings.LEAD_ACCEPT_SLA_HOURS
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        holder = lead_customer_holder(lead)
        lead.partner = partner
        lead.assigned_at = timezone.now()
        lead.accept_by = lead.assigned_at + timedelta(hours=hours)
        lead.decline_reason = ""
        lead.customer_protected, lead.lapse_excused = holder is not None, False
        LEAD_WORKFLOW.apply(
            lead,
            LeadStatus.ASSIGNED,
            actor=actor,
            action="assign",
            reason="Customer protected by another registration." if holder is not None else "",
            extra_fields=[
                "partner",
                "assigned_at",
                "accept_by",
                "decline_reason",
                "customer_protected",
                "lapse_excused",
            ],
        )
        lead.warnings = lead_warnings(lead, holder)
        record_event(
            "lead.assigned",
            actor=actor,
            partner=partner,
            subject=lead,
            payload={"lead_id": lead.pk, "customer_name": lead.customer_name, "accept_by": lead.accept_by.isoformat()},
        )
    return lead


def accept_lead(*, lead: Lead, actor) -> DealRegistration:
    """The partner accepts: the lead becomes an approved registration at once (protected from today)."""
    access.require(actor, "deals.accept_lead", lead)
    with transaction.atomic():
        lead = Lead.objects.select_for_update(of=("self",)).select_related("partner__tier").get(pk=lead.pk)
        LEAD_WORKFLOW.check(lead, LeadStatus.ACCEPTED)
        if lead.accept_by and lead.accept_by < timezone.now():
            raise TransitionNotAllowed(
                _("This lead was not accepted in time and goes back to the vendor."), code="lead_overdue"
            )
        lock_customer_keys(_lead_customer(lead).keys)
        policy = policy_at(timezone.now())
        evidence = _lead_matches(lead, policy)
        ids = [e.account_id for e in evidence]
        expire_stale_holders(ids, timezone.localdate())
        if DealRegistration.objects.holding().filter(account_id__in=ids).exists():
            raise Conflict(
                _("This customer is already registered, so the lead cannot be accepted; ask your channel manager."),
                code="customer_already_registered",
            )
        account = (
            Account.objects.get(pk=ids[0])
            if ids
            else create_account(name=lead.customer_name, domain=lead.customer_domain, country=lead.customer_country)
        )
        partner = lead.partner
        deal = DealRegistration.objects.create(
            partner=partner,
            account=account,
            registered_by=actor,
            customer_name=lead.customer_name,
            customer_domain=lead.customer_domain,
            customer_country=lead.customer_country,
            contact_name=lead.contact_name,
            contact_email=lead.contact_email,
            product=lead.product,
            amount=lead.amount,
            currency=lead.currency,
            reason=DealReason.LEAD,
            match_evidence=[e.as_dict() for e in evidence],
            submitted_at=timezone.now(),
            decided_at=timezone.now(),
            protected_until=engine.approval_protected_until(policy, partner.tier_id, timezone.localdate()),
            policy_version=policy,
        )
        DEAL_WORKFLOW.apply(deal, DealStatus.APPROVED, actor=actor, action="accept_lead", reason=f"Lead {lead.pk}")
        lead.deal = deal
        LEAD_WORKFLOW.apply(lead, LeadStatus.ACCEPTED, actor=actor, action="accept", extra_fields=["deal"])
        record_event(
            "deal.approved", actor=actor, partner=partner, subject=deal, payload=deal_payload(deal, lead_id=lead.pk)
        )
        _routing().end_hop(lead, "accepted")
        record_event(
            "lead.accepted",
            actor=actor,
            partner=partner,
            subject=lead,
            payload={
                "lead_id": lead.pk,
                "deal_id": deal.pk,
                "customer_name": lead.customer_name,
                "created_by_id": lead.created_by_id,
            },
        )
    return deal


def decline_lead(*, lead: Lead, actor, reason: str) -> Lead:
    access.require(actor, "deals.decline_lead", lead)
    with transaction.atomic():
        lead = LEAD_WORKFLOW.apply_with_reason(
            lead,
            LeadStatus.DECLINED,
            actor=actor,
            action="decline",
            reason=reason,
            reason_field="decline_reason",
            missing=_("Say why you decline the lead."),
        )
        record_event(
            "lead.declined",
            actor=actor,
            partner=lead.partner,
            subject=lead,
            payload={
                "lead_id": lead.pk,
                "customer_name": lead.customer_name,
                "reason": reason,
                "created_by_id": lead.created_by_id,
            },
        )
        if lead.routed:
            _routing().reclaim(lead=lead, outcome="declined")
    return lead


def return_lead_if_overdue(*, lead_id: int, now: datetime | None = None) -> bool:
    """Return one assigned lead whose SLA passed to its channel manager; False when nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        lead = (
            Lead.objects.select_for_update().filter(pk=lead_id, status=LeadStatus.ASSIGNED, accept_by__lt=now).first()
        )
        if lead is None:
            return False
        # A partner cannot accept a lead for a customer a registration protects (accept_lead): such a lapse is
        # recorded but never counted against it (docs/policy.md, "Leads for protected customers").
        excused = lead.customer_protected or lead_customer_holder(lead) is not None
        lead.lapse_excused = excused
        LEAD_WORKFLOW.apply(
            lead,
            LeadStatus.RETURNED,
            actor=None,
            action="return",
            reason="Not accepted within the SLA; the customer was protected."
            if excused
            else "Not accepted within the SLA.",
            extra_fields=["lapse_excused"],
        )
        # The miss stays with this partner when the lead is assigned to another one (responsiveness).
        LeadReturn.objects.get_or_create(
            lead=lead,
            assigned_at=lead.assigned_at,
            defaults={"partner_id": lead.partner_id, "returned_at": now, "excused": excused},
        )
        # A routed lead is reclaimed and offered to the next partner by the same rules (docs/directory.md,
        # "Hops"); only when none is left does it come back to the manager.
        if lead.routed and _routing().reclaim(lead=lead, outcome="lapsed", now=now) is not None:
            return True
        record_event(
            "lead.returned",
            partner=lead.partner,
            subject=lead,
            payload={
                "lead_id": lead.pk,
                "customer_name": lead.customer_name,
                "created_by_id": lead.created_by_id,
                "channel_manager_id": lead.partner.channel_manager_id,
            },
        )
    return True


def overdue_leads(now: datetime | None = None):
    now = now or timezone.now()
    return Lead.objects.filter(status=LeadStatus.ASSIGNED, accept_by__lt=now).values_list("pk", flat=True)
