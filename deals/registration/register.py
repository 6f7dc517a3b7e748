"""Registering a customer: first to register wins (docs/policy.md, rules 1-5 and 7).

The customer is locked, the evidence gathered (matching accounts, their holders, direct accounts, recent
wins), the version in force decides (deals.registration.decision), and the decision is written; when another
registration became the holder between the evidence and the write, the one-active-holder constraint refuses
ours and it is rejected as that holder's duplicate or conflict."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from deals import sourcing
from deals.customers import create_account
from deals.models import DEAL_WORKFLOW, DealReason, DealRegistration, DealSource, DealStatus, DealType
from deals.payloads import deal_payload
from deals.registration import decision as engine
from deals.registration import evidence as ev
from deals.registration.lock import lock_customer_keys
from deals.registration.outcome import outcome_message
from policy.selectors import policy_at
from prm.events import record_event

REGISTER_FIELDS = ["reason", "duplicate_of", "conflict_with", "protected_until", "submitted_at", "policy_version"]


def register_deal(
    *,
    user,
    customer_name: str,
    customer_country: str,
    amount: Decimal,
    customer_domain: str = "",
    currency: str | None = None,
    expected_close_date: date | None = None,
    deal_type: str = DealType.NEW_BUSINESS,
    contact_name: str = "",
    contact_email: str = "",
    product: str = "",
    mdf_request=None,
) -> DealRegistration:
    """Register a customer for the user's partner; the outcome is one of the API doc's registration outcomes.

    The values come converted and checked (deals/forms.py RegistrationForm, deals/api.py RegistrationSerializer);
    here only the rules: the permission, the partner's own sourcing activity (an instance or its id), first to
    register wins. `currency` None is the program currency."""
    access.require(user, "deals.register")
    partner = _partner_of(user)
    cleaned = {
        "customer_name": customer_name,
        "customer_domain": customer_domain,
        "customer_country": customer_country,
        "contact_name": contact_name,
        "contact_email": contact_email,
        "product": product,
        "amount": amount,
        "currency": currency or settings.DEFAULT_CURRENCY,
        "expected_close_date": expected_close_date,
        "deal_type": deal_type,
        "mdf_request": sourcing.sourcing_activity(partner, mdf_request),
    }
    today = timezone.localdate()
    with transaction.atomic():
        customer = ev.customer(
            name=cleaned["customer_name"], domain=cleaned["customer_domain"], country=cleaned["customer_country"]
        )
        lock_customer_keys(customer.keys)  # rule 7: one decision per customer at a time
        policy = policy_at(timezone.now())  # the version in force decides
        evidence = ev.gather(customer, policy, today=today)
        decision = ev.decide(evidence, policy=policy, partner_id=partner.pk, today=today)
        deal = _create(user, partner, cleaned, evidence, decision)
        _record_decision(deal, decision, policy=policy, actor=user, today=today)
        _announce(deal, actor=user)
    return deal


def _partner_of(user):
    if not user.partner_id:
        raise PermissionDenied(_("You do not belong to a partner."))
    return user.partner


def _create(user, partner, cleaned: dict, evidence: ev.Evidence, decision: engine.Decision) -> DealRegistration:
    """The registration row (still a draft), on the matched account or a new one for a new customer."""
    account = evidence.accounts.get(decision.account_id) if decision.account_id else None
    if account is None:
        account = create_account(
            name=cleaned["customer_name"], domain=cleaned["customer_domain"], country=cleaned["customer_country"]
        )
    return DealRegistration.objects.create(
        partner=partner,
        source=DealSource.PARTNER,
        account=account,
        registered_by=user,
        match_evidence=[e.as_dict() for e in decision.evidence],
        **cleaned,
    )


def _record_decision(deal: DealRegistration, decision: engine.Decision, *, policy, actor, today: date) -> None:
    deal.reason = decision.reason
    deal.duplicate_of_id, deal.conflict_with_id = decision.duplicate_of_id, decision.conflict_with_id
    deal.protected_until, deal.policy_version = decision.protected_until, policy
    deal.submitted_at = timezone.now()
    try:
        with transaction.atomic():
            DEAL_WORKFLOW.apply(
                deal, decision.status, actor=actor, action="register", reason=deal.reason, extra_fields=REGISTER_FIELDS
            )
    except IntegrityError:
        # The constraint behind the lock (rule 7): someone else became the holder first.
        _lost_the_race(deal, policy=policy, actor=actor, today=today)


def _lost_the_race(deal: DealRegistration, *, policy, actor, today: date) -> None:
    holder = DealRegistration.objects.holding().select_related("partner").get(account=deal.account)
    deal.status = DealStatus.DRAFT
    if holder.partner_id == deal.partner_id:
        deal.reason, deal.duplicate_of = DealReason.DUPLICATE, holder
    else:
        deal.reason, deal.conflict_with = DealReason.CONFLICT, holder
        deal.protected_until = engine.protection_end(ev.holder(holder), policy, today)
    DEAL_WORKFLOW.apply(
        deal, DealStatus.REJECTED, actor=actor, action="register", reason=deal.reason, extra_fields=REGISTER_FIELDS
    )


def _announce(deal: DealRegistration, *, actor) -> None:
    partner, message = deal.partner, outcome_message(deal)
    record_event(
        "deal.submitted",
        actor=actor,
        partner=partner,
        subject=deal,
        payload=deal_payload(deal, partner_name=partner.name, message=message),
    )
    if deal.status == DealStatus.REJECTED:
        record_event(
            "deal.rejected", actor=actor, partner=partner, subject=deal, payload=deal_payload(deal, message=message)
        )
