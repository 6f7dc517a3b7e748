"""What people read about a registration: what happened and what happens next, written per audience.

The partner's users read "you" sentences about their own registration; vendor staff (the permission layer's
`deals.see_internal`) read what the registration is and who decided it (docs/notifications.md: audiences).
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from deals.models import DealReason, DealRegistration, DealStatus
from policy.selectors import policy_at
from prm import formatting


def approval_sla_days(deal: DealRegistration) -> int:
    """The approval SLA (business days) of the version the registration was decided under."""
    policy = deal.policy_version if deal.policy_version_id else policy_at(deal.submitted_at or timezone.now())
    return policy.approval_sla_business_days if policy else settings.DEAL_APPROVAL_SLA_BUSINESS_DAYS


def outcome_message(deal: DealRegistration, reader=None) -> str:
    """The sentence `reader` reads about the registration: vendor staff read the internal wording, anyone
    else (a partner's user, a notification to the partner) the partner's."""
    if reader is not None and access.can(reader, "deals.see_internal"):
        return internal_message(deal, reader) or partner_message(deal)
    return partner_message(deal)


def internal_message(deal: DealRegistration, reader) -> str:
    """What vendor staff read: the registration in the third person, the decider named (or "you")."""
    status, reason = deal.status, deal.reason
    if status == DealStatus.SUBMITTED:
        return _("Submitted: waiting for a channel manager's review (approval SLA %(sla)s business days).") % {
            "sla": approval_sla_days(deal)
        }
    if status == DealStatus.PENDING_REVIEW:
        return _("Waiting for a channel manager's review: %(reason)s.") % {"reason": deal.get_reason_display()}
    if status == DealStatus.REJECTED and reason == DealReason.CONFLICT:
        return _("Rejected as a conflict: registration #%(holder)s holds the customer until %(until)s.") % {
            "holder": deal.conflict_with_id or "—",
            "until": formatting.day(deal.customer_protected_until),
        }
    if status == DealStatus.REJECTED and reason == DealReason.DUPLICATE:
        return _("Rejected as a duplicate of the partner's registration #%(deal)s.") % {"deal": deal.duplicate_of_id}
    if status == DealStatus.REJECTED and reason == DealReason.DIRECT_ACCOUNT:
        return _("Rejected: the customer is a direct account, which the rules of engagement do not protect.")
    if status == DealStatus.REJECTED and reason == DealReason.INFLUENCE_ONLY:
        return _("Accepted as influence only: the partner's part is recorded, without deal protection.")
    if status == DealStatus.REJECTED and reason == DealReason.DISPUTE_REVERSED:
        return _("Rejected after a dispute: an earlier registration of this customer has priority.")
    if status == DealStatus.REJECTED:
        note = deal.decision_note
        if deal.decided_by_id and deal.decided_by_id == reader.pk:
            if note:
                return _("You rejected this registration: %(note)s") % {"note": note}
            return _("You rejected this registration.")
        manager = _decider(deal)
        if note:
            return _("Rejected by %(manager)s: %(note)s") % {"manager": manager, "note": note}
        return _("Rejected by %(manager)s.") % {"manager": manager}
    if status == DealStatus.APPROVED and deal.own_protection_until:
        return _("Approved: the customer is protected for %(partner)s until %(until)s.") % {
            "partner": deal.partner.name if deal.partner_id else settings.VENDOR_NAME,
            "until": formatting.day(deal.own_protection_until),
        }
    return ""


def _decider(deal) -> str:
    user = deal.decided_by
    if user is None:
        return _("a channel manager")
    return user.get_full_name() or user.email


def partner_message(deal: DealRegistration) -> str:
    """The sentence a partner reads about its registration: what happened and what happens next."""
    status, reason = deal.status, deal.reason
    if status == DealStatus.SUBMITTED:
        return _(
            "Your registration is submitted. A channel manager reviews it within %(sla)s business days, "
            "and you will be notified when it is approved."
        ) % {"sla": approval_sla_days(deal)}
    if status == DealStatus.PENDING_REVIEW and reason == DealReason.DIRECT_ACCOUNT:
        return _(
            "This customer is already an account of %(vendor)s's direct sales team. A channel manager "
            "will review your registration and approve it, accept it as influence, or reject it; you will be notified."
        ) % {"vendor": settings.VENDOR_NAME}
    if status == DealStatus.PENDING_REVIEW and reason == DealReason.INCUMBENT:
        return _(
            "An existing customer relationship is being checked. A channel manager will review your registration "
            "within %(sla)s business days and approve or reject it; you will be notified."
        ) % {"sla": approval_sla_days(deal)}
    if status == DealStatus.PENDING_REVIEW:
        return _(
            "This customer may be one that is already registered. A channel manager will compare the two and "
            "decide; you will be notified."
        )
    if status == DealStatus.REJECTED and reason == DealReason.CONFLICT:
        # ISO: the API's `message` carries this sentence and its clients read the date (the API doc: Deals and leads)
        until = deal.customer_protected_until.isoformat() if deal.customer_protected_until else _("a later date")
        return _(
            "This customer is already registered and protected until %(until)s. Your registration is recorded "
            "as a conflict; you can register the customer again once that protection ends."
        ) % {"until": until}
    if status == DealStatus.REJECTED and reason == DealReason.DUPLICATE:
        return _("You have already registered this customer as deal #%(deal)s; nothing else to do.") % {
            "deal": deal.duplicate_of_id
        }
    if status == DealStatus.REJECTED and reason == DealReason.DIRECT_ACCOUNT:
        return _(
            "This customer is already an account of %(vendor)s's direct sales team, and the rules of engagement "
            "do not protect direct accounts for partners. Ask your channel manager about working the deal together."
        ) % {"vendor": settings.VENDOR_NAME}
    if status == DealStatus.REJECTED and reason == DealReason.INFLUENCE_ONLY:
        return _("Accepted as influence: your part in the direct sale is recorded, without deal protection.")
    if status == DealStatus.REJECTED and reason == DealReason.DISPUTE_REVERSED:
        return _(
            "After a dispute, an earlier registration of this customer was found to have priority: your "
            "registration no longer holds the customer."
        )
    if status == DealStatus.REJECTED:
        if deal.decision_note:
            return _("Your channel manager rejected this registration: %(note)s") % {"note": deal.decision_note}
        return _("Your channel manager rejected this registration.")
    if status == DealStatus.APPROVED:
        return _("Approved: the customer is protected for you until %(until)s.") % {"until": deal.protected_until}
    if status == DealStatus.WON:
        return _("Won on %(date)s for %(amount)s %(currency)s.") % {
            "date": deal.close_date,
            "amount": deal.amount,
            "currency": deal.currency,
        }
    if status == DealStatus.LOST:
        return _("Marked lost.")
    if status == DealStatus.EXPIRED:
        return _("The protection ended before the deal was won.")
    return ""
