"""Payout holds (docs/partner-status.md): a suspended or terminated partner's commissions keep accruing, but
nothing is batched, approved for payment or paid until the hold ends.

The hold is derived, never stored: a partner is held while its status (read through partners.selectors) is
suspended or terminated, unless finance released a terminated partner's payouts (PayoutRelease). A suspended
partner's hold ends with its reinstatement.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from accounts import access
from commissions.models import CommissionEntry, EntryStatus, PayoutRelease
from partners import selectors as partner_selectors
from partners.models import Partner, PartnerStatus
from prm.audit import record_audit
from prm.exceptions import Conflict

UNPAID = (EntryStatus.PENDING, EntryStatus.APPROVED, EntryStatus.BATCHED)


def held_partner_ids() -> set[int]:
    """Every partner whose payouts are held now."""
    candidates = partner_selectors.payouts_held_partner_ids()
    if not candidates:
        return set()
    released = set(PayoutRelease.objects.filter(partner_id__in=candidates).values_list("partner_id", flat=True))
    return candidates - released


def is_held(partner_id) -> bool:
    return partner_id in held_partner_ids()


def require_not_held(partner_id) -> None:
    """409 `payouts_held` for a batch of a held partner: created, approved or paid, by people or the beat job."""
    if is_held(partner_id):
        raise Conflict(_("This partner's payouts are held while it is suspended or terminated."), code="payouts_held")


def held_payouts(user):
    """Finance: per held partner and currency, what accrued and waits (pending, approved or batched)."""
    return (
        CommissionEntry.objects.visible_to(user)
        .filter(partner_id__in=held_partner_ids(), status__in=UNPAID)
        .values("partner_id", "partner__name", "partner__status", "currency")
        .annotate(
            entries=Count("pk"),
            pending=Sum("amount", filter=Q(status=EntryStatus.PENDING)),
            approved=Sum("amount", filter=Q(status__in=[EntryStatus.APPROVED, EntryStatus.BATCHED])),
        )
        .order_by("partner__name", "currency")
    )


def release_held_payouts(*, actor, partner: Partner, reason: str) -> PayoutRelease:
    """Finance releases a terminated partner's held payouts (audited on the partner); its approved entries
    are then batched and paid like anyone's. A suspended partner is released by reinstating it."""
    access.require(actor, "commissions.release_held")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payouts are released.")})
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner_selectors.partner_status_of(partner.pk) != PartnerStatus.TERMINATED:
            raise Conflict(
                _("Only a terminated partner's payouts are released here; reinstating a suspended partner does it."),
                code="not_terminated",
            )
        try:
            with transaction.atomic():
                release = PayoutRelease.objects.create(partner=partner, released_by=actor, reason=reason)
        except IntegrityError:
            raise Conflict(_("This partner's payouts are already released."), code="already_released") from None
        record_audit(
            actor=actor, obj=partner, action="payouts_released", from_state="held", to_state="released", reason=reason
        )
    return release
