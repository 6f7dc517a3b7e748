"""Who of a partner's users request and claim MDF (the API doc: MDF access)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import access
from accounts.models import PartnerFunction, Role, User
from mdf.models import (
    MDF_ACCESS_SETTING_LABEL,
    MdfRequesters,
    PartnerMdfAccess,
)
from prm.audit import record_audit
from prm.guards import require_standing


def mdf_requesters(partner_id) -> str:
    """Who of the partner's users request and claim MDF: everyone unless its admin restricted it."""
    row = PartnerMdfAccess.objects.filter(partner_id=partner_id).only("requesters").first()
    return row.requesters if row is not None else MdfRequesters.EVERYONE


def _admin_who_can_change(partner_id):
    """The partner admin a refused user should ask: the one who restricted MDF access, else any active admin."""
    admins = User.objects.filter(partner_id=partner_id, role=Role.PARTNER_ADMIN, is_active=True)
    row = PartnerMdfAccess.objects.filter(partner_id=partner_id).first()
    if row is not None and row.changed_by_id:
        chosen = admins.filter(pk=row.changed_by_id).first()
        if chosen is not None:
            return chosen
    return admins.order_by("id").first()


def requester_refusal(user, partner_id=None) -> str:
    """Why `user` may not request or claim MDF for the partner (the API doc: MDF access), or "" if they may.

    Every user of the partner may, unless a partner admin restricted it to admins and marketing users in the
    team settings; the refusal then names that setting and the admin who can change it.
    """
    if not access.is_partner_user(user):
        return gettext("Only partner users request and claim MDF.")
    if not user.partner_id or (partner_id is not None and user.partner_id != partner_id):
        return gettext("Only the partner's own users request and claim its MDF.")
    if access.is_partner_admin(user) or user.partner_function == PartnerFunction.MARKETING:
        return ""
    if mdf_requesters(user.partner_id) == MdfRequesters.EVERYONE:
        return ""
    admin = _admin_who_can_change(user.partner_id)
    setting = MDF_ACCESS_SETTING_LABEL
    if admin is None:
        return gettext(
            "Your partner limits MDF requests and claims to its admins and marketing users (team setting "
            "“%(setting)s”). A partner admin can change it."
        ) % {"setting": setting}
    return gettext(
        "Your partner admin %(admin)s limited MDF requests and claims to partner admins and marketing users "
        "(team setting “%(setting)s”). Ask %(admin)s to change it."
    ) % {"admin": f"{admin.get_full_name() or admin.email} ({admin.email})", "setting": setting}


def may_request_funds(user) -> bool:
    """Whether `user` may request and claim MDF for their partner (the rule: `requester_refusal`)."""
    return not requester_refusal(user)


def require_requester(user, partner_id):
    """Refuse (403) with the sentence of `requester_refusal`: it names the setting and the admin to ask."""
    require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    refusal = requester_refusal(user, partner_id)
    if refusal:
        raise PermissionDenied(refusal)


def set_mdf_requesters(*, partner, actor, requesters: str) -> PartnerMdfAccess:
    """The partner's admin chooses who requests and claims MDF: everyone, or admins and marketing users."""
    access.require(actor, "mdf.set_requesters", partner)
    if requesters not in MdfRequesters.values:
        raise ValidationError({"requesters": [gettext("Choose who may request and claim MDF.")]})
    with transaction.atomic():
        row, _created = PartnerMdfAccess.objects.select_for_update().get_or_create(partner=partner)
        previous = row.requesters
        row.requesters = requesters
        row.changed_by = actor
        row.changed_at = timezone.now()
        row.save()
        record_audit(actor=actor, obj=row, action="update", from_state=previous, to_state=requesters)
    return row
