"""Writes about partner organisations: creation, profile, channel manager, tier changes and team.

The lifecycle's other writes live beside this module: recruiting.py (applications, OPP scoring),
onboarding.py (checklist, agreement, reminders), business_plans.py and tier_review.py.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from partners.models import OnboardingStep, Partner, PartnerStatus, ReferenceImplementation, Tier, TierChange
from partners.onboarding import check_profile
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import TransitionNotAllowed
from prm.guards import require_standing
from prm.workflow import Workflow

PARTNER_WORKFLOW = Workflow(
    {
        PartnerStatus.ONBOARDING: {PartnerStatus.ACTIVE, PartnerStatus.TERMINATED},
        PartnerStatus.ACTIVE: {PartnerStatus.SUSPENDED, PartnerStatus.TERMINATED},
        PartnerStatus.SUSPENDED: {PartnerStatus.ACTIVE, PartnerStatus.TERMINATED},
        PartnerStatus.TERMINATED: set(),
    }
)

PROFILE_FIELDS_FOR_PARTNERS = (
    "legal_name",
    "website_domain",
    "description",
    "phone",
    "address",
    "employee_count",
    "verticals",
)
PROFILE_FIELDS_FOR_STAFF = PROFILE_FIELDS_FOR_PARTNERS + (
    "name",
    "partner_type",
    "country",
    "region",
    "external_crm_id",
)


def entry_tier() -> Tier:
    return Tier.objects.order_by("rank").first()


def create_partner(
    *,
    actor: User,
    name: str,
    partner_type: str,
    country: str,
    region: str,
    tier: Tier | None = None,
    channel_manager: User | None = None,
    joined_at=None,
    **profile,
) -> Partner:
    """Create a partner organisation at the entry tier unless told otherwise (joined today unless given,
    e.g. by the CSV import of partners from a CRM)."""
    access.require(actor, "partners.manage", standing=False)
    with transaction.atomic():
        partner = Partner(
            name=name.strip(),
            partner_type=partner_type,
            country=country,
            region=region,
            tier=tier or entry_tier(),
            channel_manager=channel_manager,
            joined_at=joined_at or timezone.localdate(),
            **{k: v for k, v in profile.items() if k in PROFILE_FIELDS_FOR_STAFF},
        )
        partner.full_clean()
        partner.save()
        TierChange.objects.create(
            partner=partner,
            to_tier=partner.tier,
            kind=TierChange.Kind.ASSIGNMENT,
            changed_by=actor,
            reason="Joined the program",
        )
        record_audit(actor=actor, obj=partner, action="created", to_state=partner.status)
        record_event(
            "partner.created",
            actor=actor,
            partner=partner,
            subject=partner,
            payload={"partner_id": partner.pk, "name": partner.name, "tier": partner.tier.name},
        )
    return partner


def update_partner_profile(*, actor: User, partner: Partner, changes: dict) -> Partner:
    """Partner admins edit their own company profile; internal staff also edit identity fields."""
    require_standing(actor)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    access.require(actor, "partners.edit_profile", partner, standing=False)  # standing checked above
    allowed = PROFILE_FIELDS_FOR_STAFF if access.is_manager_or_admin(actor) else PROFILE_FIELDS_FOR_PARTNERS
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError({field: _("This field cannot be changed here.") for field in unknown})
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        before = {field: getattr(partner, field) for field in changes}
        for field, value in changes.items():
            setattr(partner, field, value)
        partner.full_clean()
        partner.save()
        diff = {f: [str(before[f]), str(changes[f])] for f in changes if before[f] != changes[f]}
        if diff:
            record_audit(actor=actor, obj=partner, action="profile_updated", changes=diff)
        check_profile(partner=partner, actor=actor)  # ticks "complete the company profile" once it is
    return partner


def assign_channel_manager(*, actor: User, partner: Partner, manager: User | None, reason: str = "") -> Partner:
    access.require(actor, "partners.manage", standing=False)
    if manager is not None and not access.is_channel_manager(manager):
        raise ValidationError({"channel_manager": _("Choose a user with the channel manager role.")})
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        previous = partner.channel_manager
        partner.channel_manager = manager
        partner.save(update_fields=["channel_manager", "updated_at"])
        record_audit(
            actor=actor,
            obj=partner,
            action="channel_manager_changed",
            from_state=getattr(previous, "email", ""),
            to_state=getattr(manager, "email", ""),
            reason=reason,
        )
    return partner


def change_partner_tier(*, actor: User | None, partner: Partner, tier: Tier, reason: str) -> Partner:
    """Move a partner to another tier: tier history, audit row and `partner.tier_changed` event.

    `actor` None means the system (the quarterly tier review); people need a channel or program role.
    """
    if actor is not None:
        access.require(actor, "partners.manage", standing=False)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the tier changes; the partner sees it.")})
    with transaction.atomic():
        partner = Partner.objects.select_for_update().select_related("tier").get(pk=partner.pk)
        if partner.tier_id == tier.pk:
            raise TransitionNotAllowed(
                _("%(partner)s is already %(tier)s.") % {"partner": partner.name, "tier": tier.name}, code="same_tier"
            )
        previous = partner.tier
        kind = TierChange.Kind.PROMOTION if tier.rank > previous.rank else TierChange.Kind.DEMOTION
        partner.tier = tier
        # A new tier starts clean: an at-risk flag was about the old one (docs/tiers.md).
        partner.at_risk_since, partner.at_risk_review = None, None
        partner.save(update_fields=["tier", "at_risk_since", "at_risk_review", "updated_at"])
        TierChange.objects.create(
            partner=partner, from_tier=previous, to_tier=tier, kind=kind, reason=reason, changed_by=actor
        )
        record_audit(
            actor=actor, obj=partner, action="tier_changed", from_state=previous.name, to_state=tier.name, reason=reason
        )
        record_event(
            "partner.tier_changed",
            actor=actor,
            partner=partner,
            subject=partner,
            payload=_partner_payload(partner, from_tier=previous.name, to_tier=tier.name, kind=kind, reason=reason),
        )
    return partner


def _partner_payload(partner: Partner, **change) -> dict:
    """The payload of a change to a partner (tier, status): who, what changed, and its channel manager."""
    return {
        "partner_id": partner.pk,
        "partner_name": partner.name,
        **change,
        "channel_manager_id": partner.channel_manager_id,
    }


def require_status_changer(actor: User) -> None:
    """Channel managers and program admins suspend, reinstate and terminate partners."""
    access.require(actor, "partners.manage", standing=False)


def change_partner_status(*, actor: User, partner: Partner, status: str, reason: str = "") -> Partner:
    """Move a partner along PARTNER_WORKFLOW: suspend, reinstate (suspended > active), terminate.

    The audit row keeps the status history; the `partner.status_changed` event lets the apps that own the
    consequences act (docs/partner-status.md): deals ends a terminated partner's protections. What a
    suspended or terminated partner's users may still do is decided by prm.guards on every request."""
    access.require(actor, "partners.manage", standing=False)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        previous = partner.status
        action = "reinstated" if (previous, status) == (PartnerStatus.SUSPENDED, PartnerStatus.ACTIVE) else None
        PARTNER_WORKFLOW.apply(partner, status, actor=actor, reason=reason, action=action, extra_fields=["updated_at"])
        record_event(
            "partner.status_changed",
            actor=actor,
            partner=partner,
            subject=partner,
            payload=_partner_payload(partner, from_status=previous, to_status=status, reason=reason),
        )
    return partner


def suspend_partner(*, actor: User, partner: Partner, reason: str) -> Partner:
    """Read-only until reinstated: no registrations, lead accepts, MDF, new tokens; payouts held."""
    return change_partner_status(actor=actor, partner=partner, status=PartnerStatus.SUSPENDED, reason=reason)


def reinstate_partner(*, actor: User, partner: Partner, reason: str = "") -> Partner:
    """A suspended partner becomes active again; its held payouts follow the status (commissions/holds.py)."""
    from partners.selectors import partner_status_of  # selectors -> tier_review -> this module: a cycle

    access.require(actor, "partners.manage", standing=False)
    if partner_status_of(partner.pk) != PartnerStatus.SUSPENDED:
        raise TransitionNotAllowed(_("Only a suspended partner can be reinstated."), code="not_suspended")
    return change_partner_status(actor=actor, partner=partner, status=PartnerStatus.ACTIVE, reason=reason)


def terminate_partner(*, actor: User, partner: Partner, reason: str) -> Partner:
    """Final: its users cannot log in or use tokens, its registrations stop protecting, payouts stay held."""
    return change_partner_status(actor=actor, partner=partner, status=PartnerStatus.TERMINATED, reason=reason)


def set_partner_user_role(*, actor: User, user: User, role: str) -> User:
    """A partner admin changes a colleague's role; the last active admin cannot step down."""
    _require_team_manager(actor, user)
    if not access.is_partner_role(role) or not user.partner_id:  # the new role (data)
        raise ValidationError({"role": _("Choose partner admin or partner user.")})
    with transaction.atomic():
        Partner.objects.select_for_update().get(pk=user.partner_id)  # serialise team changes
        user = User.objects.get(pk=user.pk)
        if access.is_partner_admin(user) and not access.is_partner_admin_role(role):
            _ensure_another_admin(user)
        previous = user.role
        user.role = role
        user.save(update_fields=["role"])
        record_audit(actor=actor, obj=user, action="role_changed", from_state=previous, to_state=role)
    return user


def set_partner_user_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate a colleague; the last active admin cannot be deactivated."""
    _require_team_manager(actor, user)
    if not user.partner_id:
        raise PermissionDenied(_("Internal users are managed by program admins."))
    with transaction.atomic():
        Partner.objects.select_for_update().get(pk=user.partner_id)
        user = User.objects.get(pk=user.pk)
        if not active and access.is_partner_admin(user):
            _ensure_another_admin(user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        record_audit(
            actor=actor,
            obj=user,
            action="reactivated" if active else "deactivated",
            from_state="inactive" if active else "active",
            to_state="active" if active else "inactive",
        )
    return user


def _require_team_manager(actor: User, member: User) -> None:
    """The partner's own admins, channel managers and program admins manage a partner's team."""
    require_standing(actor)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    access.require(actor, "partners.manage_team", member, standing=False)  # standing checked above


def _ensure_another_admin(user: User) -> None:
    others = User.objects.partner_admins_of(user.partner_id).exclude(pk=user.pk)
    if not others.exists():
        raise TransitionNotAllowed(
            _("Every partner needs at least one active admin: make someone else admin first."), code="last_admin"
        )


def record_reference_implementation(
    *, actor: User, partner: Partner, customer_name: str, completed_on, description: str = ""
) -> ReferenceImplementation:
    """Channel staff record a customer reference; it counts toward tier requirements for 12 months."""
    access.require(actor, "partners.manage", standing=False)
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("A reference implementation is one that is live already.")})
    with transaction.atomic():
        reference = ReferenceImplementation.objects.create(
            partner=partner,
            customer_name=customer_name.strip(),
            completed_on=completed_on,
            description=description,
            recorded_by=actor,
        )
        record_audit(actor=actor, obj=reference, action="recorded", to_state=str(completed_on))
    return reference


def save_program_setting(*, actor: User, setting_form):
    """Program admins edit OPP criteria and onboarding steps (config over code)."""
    access.require(actor, "partners.edit_program_settings", standing=False)
    with transaction.atomic():
        form = setting_form
        created = form.instance.pk is None
        changed = {name: [str(form.initial.get(name, "")), str(form.cleaned_data[name])] for name in form.changed_data}
        obj = form.save()
        record_audit(actor=actor, obj=obj, action="created" if created else "updated", changes=changed)
        if isinstance(obj, OnboardingStep):
            # The checklist changed: every partner's percentage follows (a handful of queries per 1,000 partners).
            from partners.onboarding import recompute_all_progress

            recompute_all_progress()
    return obj
