"""The fixed demo logins (internal staff and partner people, all sharing one password) and the partners Acme
Cloud Partners and Globex Integrators with real tier changes, audit rows and notifications.

Idempotent: fixed users get their fields and password reset; a fixed partner keeps its tier and status (the
demo's state) and gets its profile refreshed.
"""

import random
from datetime import date, datetime, timedelta
from datetime import time as dt_time

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import PartnerFunction, Role, User
from accounts.services import invite_user
from partners.models import Partner, PartnerStatus, PartnerType, Region, Tier, TierChange, Vertical
from partners.services import change_partner_status, change_partner_tier, create_partner

# --- The fixed logins -------------------------------------------------------------------------------

INTERNAL_USERS = [
    # email, first, last, role, job title, staff+superuser
    ("admin@example.com", "Avery", "Adams", Role.PROGRAM_ADMIN, "Partner Program Director", True),
    ("manager@example.com", "Morgan", "Miles", Role.CHANNEL_MANAGER, "Channel Manager, Americas & DACH", False),
    ("manager2@example.com", "Dana", "Dorsey", Role.CHANNEL_MANAGER, "Channel Manager, EMEA & APAC", False),
    ("finance@example.com", "Frances", "Fischer", Role.FINANCE, "Partner Finance Lead", False),
    ("finance2@example.com", "Felix", "Ferreira", Role.FINANCE, "Commissions Analyst", False),
]

FIXED_PARTNERS = {
    "DEMO-ACME": {
        "name": "Acme Cloud Partners",
        "legal_name": "Acme Cloud Partners, Inc.",
        "website_domain": "acme.example",
        "partner_type": PartnerType.RESELLER,
        "country": "US",
        "region": Region.NORTH_AMERICA,
        "description": "Value-added reseller of Northwind licences, implementation and support for mid-market "
        "financial services and healthcare customers across the United States.",
        "phone": "+1 (415) 555-0142",
        "address": "500 Market Street, Suite 1200\nSan Francisco, CA 94105",
        "employee_count": 240,
        "verticals": [Vertical.FINANCIAL_SERVICES, Vertical.HEALTHCARE, Vertical.TECHNOLOGY],
        "joined_days_ago": 2 * 365 + 95,
        "manager": "manager@example.com",
    },
    "DEMO-GLOBEX": {
        "name": "Globex Integrators",
        "legal_name": "Globex Integrators GmbH",
        "website_domain": "globex.example",
        "partner_type": PartnerType.SYSTEMS_INTEGRATOR,
        "country": "DE",
        "region": Region.EMEA,
        "description": "Systems integrator delivering Northwind implementations and ERP integrations for "
        "manufacturers and utilities in Germany, Austria and Switzerland.",
        "phone": "+49 30 5557 1890",
        "address": "Friedrichstraße 68\n10117 Berlin",
        "employee_count": 85,
        "verticals": [Vertical.MANUFACTURING, Vertical.ENERGY],
        "joined_days_ago": 420,
        "manager": "manager@example.com",
    },
}

PARTNER_USERS = [
    # email, first, last, role, function, job title, partner crm id
    (
        "alice@acme.example",
        "Alice",
        "Andersen",
        Role.PARTNER_ADMIN,
        PartnerFunction.EXECUTIVE,
        "VP Alliances",
        "DEMO-ACME",
    ),
    (
        "bob@acme.example",
        "Bob",
        "Brooks",
        Role.PARTNER_USER,
        PartnerFunction.SALES,
        "Senior Account Executive",
        "DEMO-ACME",
    ),
    (
        "carol@globex.example",
        "Carol",
        "Castillo",
        Role.PARTNER_ADMIN,
        PartnerFunction.EXECUTIVE,
        "Head of Partnerships",
        "DEMO-GLOBEX",
    ),
]


def at(day: date, rng: random.Random | None = None) -> datetime:
    """An aware datetime during office hours of `day`, in the portal's time zone."""
    hour, minute = (rng.randint(8, 17), rng.randint(0, 59)) if rng else (10, 0)
    return datetime.combine(day, dt_time(hour, minute), tzinfo=timezone.get_current_timezone())


def seed_fixed(password: str, tiers: list[Tier]) -> tuple[dict, set[str]]:
    """The fixed logins and partners; returns the internal users by e-mail and the CRM ids of the partners
    created by this run (the first run tells the partners' story through the real services)."""
    hashed = make_password(password)  # one hash for every fixed login: hashing is slow on purpose
    internal = _internal_users(hashed)
    partners, new = _partners(internal, tiers)
    _partner_users(hashed, partners)
    _tier_history(internal["manager@example.com"], partners, new, tiers)
    return internal, new


def _internal_users(hashed: str) -> dict:
    internal = {}
    for email, first, last, role, title, staff in INTERNAL_USERS:
        internal[email] = upsert_user(
            email,
            hashed,
            first_name=first,
            last_name=last,
            role=role,
            partner=None,
            partner_function="",
            job_title=title,
            is_staff=staff,
            is_superuser=staff,
            mfa_waived=True,
        )
    return internal


def _partners(internal: dict, tiers: list[Tier]) -> tuple[dict, set[str]]:
    """The fixed partners by CRM id, and the CRM ids of those this run created."""
    partners, new = {}, set()
    for crm_id, spec in FIXED_PARTNERS.items():
        spec = dict(spec)
        joined = timezone.localdate() - timedelta(days=spec.pop("joined_days_ago"))
        manager = internal[spec.pop("manager")]
        partner = (
            Partner.objects.filter(external_crm_id=crm_id).first()
            or Partner.objects.filter(name=spec["name"], external_crm_id="").first()
        )
        if partner is None:
            partner = create_partner(
                actor=manager, tier=tiers[0], channel_manager=manager, external_crm_id=crm_id, **spec
            )
            partner = change_partner_status(
                actor=manager,
                partner=partner,
                status=PartnerStatus.ACTIVE,
                reason="Onboarding complete: contract signed, team trained.",
            )
            Partner.objects.filter(pk=partner.pk).update(
                joined_at=joined, created_at=at(joined), onboarding_progress=100
            )
            TierChange.objects.filter(partner=partner).update(created_at=at(joined))
            new.add(crm_id)
        else:  # refresh the profile; tier and status are the demo's state and stay as they are
            Partner.objects.filter(pk=partner.pk).update(external_crm_id=crm_id, channel_manager=manager, **spec)
        partners[crm_id] = Partner.objects.get(pk=partner.pk)
    return partners, new


def _partner_users(hashed: str, partners: dict) -> None:
    for email, first, last, role, function, title, crm_id in PARTNER_USERS:
        upsert_user(
            email,
            hashed,
            first_name=first,
            last_name=last,
            role=role,
            partner=partners[crm_id],
            partner_function=function,
            job_title=title,
            is_staff=False,
            is_superuser=False,
            mfa_waived=False,
        )


def _tier_history(manager, partners: dict, new: set[str], tiers: list[Tier]) -> None:
    """Real service calls, on first creation only: tier history, audit rows, events and notifications."""
    if "DEMO-ACME" in new:
        acme = partners["DEMO-ACME"]
        promoted = timezone.localdate() - timedelta(days=400)
        Partner.objects.filter(pk=acme.pk).update(tier=tiers[1])
        change = TierChange.objects.create(
            partner=acme,
            from_tier=tiers[0],
            to_tier=tiers[1],
            kind=TierChange.Kind.PROMOTION,
            changed_by=manager,
            reason="Completed onboarding and met the Silver requirements.",
        )
        TierChange.objects.filter(pk=change.pk).update(created_at=at(promoted))
        change_partner_tier(
            actor=manager,
            partner=acme,
            tier=tiers[2],
            reason="Crossed $500k partner-sourced bookings and certified four sellers",
        )
    if "DEMO-GLOBEX" in new:
        change_partner_tier(
            actor=manager,
            partner=partners["DEMO-GLOBEX"],
            tier=tiers[1],
            reason="Two certified consultants and five registered deals in the first year",
        )


def invite_new_hire(warn) -> None:
    """A pending invitation at Acme (first run only); the service e-mails it after its commit. `warn` writes
    why it could not be sent."""
    alice = User.objects.get(email="alice@acme.example")
    try:
        invite_user(
            inviter=alice,
            email="new.hire@acme.example",
            role=Role.PARTNER_USER,
            partner=alice.partner,
            partner_function=PartnerFunction.SALES,
        )
    except Exception as exc:  # the demo stands without it: say why and go on
        warn(f"Could not invite new.hire@acme.example: {exc!r}")


def upsert_user(email: str, hashed_password: str, **fields) -> User:
    user = User.objects.filter(email__iexact=email).first() or User(email=email)
    for field, value in fields.items():
        setattr(user, field, value)
    user.email = email
    user.is_active = True
    user.password = hashed_password
    user.save()
    EmailAddress.objects.filter(email__iexact=email).exclude(user=user).delete()
    EmailAddress.objects.filter(user=user, primary=True).exclude(email__iexact=email).update(primary=False)
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
