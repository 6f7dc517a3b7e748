"""The permission layer: who may do what, as named predicates (django-rules). docs/architecture.md: Permissions.

Roles are compared here and nowhere else. Everything else asks a question by name:

- role predicates (`is_partner_user`, `is_finance`, ...) and object predicates (`of_own_partner`,
  `manages_partner`) are `rules` predicates, combined with `&`, `|` and `~`;
- each app declares its named permissions in its own `access.py` with `permission(name, predicate, refusal)`:
  the refusal is a translatable sentence and its code is the permission's name;
- services call `require(user, "deals.mark_won", deal)` before a write (it refuses a suspended or terminated
  partner's users first, docs/partner-status.md); views, the API (`PermissionRequired`) and templates
  (`{% has_perm "deals.mark_won" user deal as can_win %}` from `{% load access %}`) ask `can(...)`.

`can` asks the rules registry directly, not `user.has_perm`: Django's model backend would let a superuser
through every rule, and the portal has no permission that a role does not give.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from rest_framework import permissions as drf_permissions

from accounts.models import INTERNAL_ROLES, PARTNER_ROLES, Role, User
from prm.guards import Refusal, require_standing

# --- role predicates -----------------------------------------------------------------------------------


def _role(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return None
    return getattr(user, "role", None)


@rules.predicate
def is_authenticated(user) -> bool:
    return _role(user) is not None


@rules.predicate
def is_partner_user(user) -> bool:
    """A user of a partner organisation (partner admin or partner user)."""
    return _role(user) in PARTNER_ROLES


@rules.predicate
def is_partner_admin(user) -> bool:
    return _role(user) == Role.PARTNER_ADMIN


@rules.predicate
def is_internal(user) -> bool:
    """A vendor employee: channel manager, finance or program admin."""
    return _role(user) in INTERNAL_ROLES


@rules.predicate
def is_channel_manager(user) -> bool:
    return _role(user) == Role.CHANNEL_MANAGER


@rules.predicate
def is_finance(user) -> bool:
    return _role(user) == Role.FINANCE


@rules.predicate
def is_program_admin(user) -> bool:
    return _role(user) == Role.PROGRAM_ADMIN


is_manager_or_admin = is_channel_manager | is_program_admin


# --- roles as data (an invitation's role, a role a form offers) ------------------------------------------


def is_role(role) -> bool:
    """`role` is one of the portal's roles."""
    return role in Role.values


def is_partner_role(role) -> bool:
    """`role` (a value, e.g. an invitation's) is one of a partner organisation's roles."""
    return role in PARTNER_ROLES


def is_internal_role(role) -> bool:
    """`role` (a value) is one of the vendor's internal roles."""
    return role in INTERNAL_ROLES


def is_partner_admin_role(role) -> bool:
    return role == Role.PARTNER_ADMIN


def partner_role_choices() -> list[tuple[str, str]]:
    """The roles a partner's user may hold, as form choices."""
    return [(r.value, r.label) for r in Role if r in PARTNER_ROLES]


def internal_role_choices() -> list[tuple[str, str]]:
    """The roles of the vendor's staff, as form choices."""
    return [(r.value, r.label) for r in Role if r in INTERNAL_ROLES]


# --- object predicates ---------------------------------------------------------------------------------


def _is_partner(obj) -> bool:
    meta = getattr(obj, "_meta", None)
    return meta is not None and meta.label == "partners.Partner"


def partner_id_of(obj) -> int | None:
    """The partner an object belongs to: a Partner itself, or anything with `partner_id`."""
    if obj is None:
        return None
    return obj.pk if _is_partner(obj) else getattr(obj, "partner_id", None)


@rules.predicate
def of_own_partner(user, obj) -> bool:
    """The object belongs to the user's own partner organisation."""
    pid = partner_id_of(obj)
    return pid is not None and is_partner_user(user) and pid == user.partner_id


@rules.predicate
def manages_partner(user, obj) -> bool:
    """The user is the channel manager assigned to the object's partner."""
    if not is_channel_manager(user) or obj is None:
        return False
    partner = obj if _is_partner(obj) else getattr(obj, "partner", None)
    return partner is not None and partner.channel_manager_id == user.pk


# --- named permissions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Permission:
    name: str
    predicate: rules.Predicate
    refusal: str  # a lazy translatable sentence

    def refuse(self) -> Refusal:
        return Refusal(str(self.refusal), code=self.name)


_PERMISSIONS: dict[str, Permission] = {}


def permission(name: str, predicate, refusal) -> Permission:
    """Declare a named permission (in the owning app's access.py). `refusal` is a gettext_lazy sentence that
    says who may do it, e.g. "Only finance approves payout batches."."""
    if not isinstance(predicate, rules.Predicate):
        predicate = rules.predicate(predicate)
    perm = Permission(name, predicate, refusal)
    _PERMISSIONS[name] = perm
    rules.set_perm(name, predicate)
    return perm


def get(name: str) -> Permission:
    try:
        return _PERMISSIONS[name]
    except KeyError:
        raise LookupError(f"No permission named {name!r}: declare it in its app's access.py") from None


def declared() -> dict[str, Permission]:
    return dict(_PERMISSIONS)


def can(user, name: str, obj=None) -> bool:
    get(name)  # an unknown name is a programming error, not a refusal
    return rules.has_perm(name, user, obj)


def require(user, name: str, obj=None, *, standing: bool = True) -> None:
    """Refuse (403, `Refusal`) unless `user` holds permission `name` on `obj`. A write (`standing=True`)
    first refuses the users of a suspended or terminated partner."""
    perm = get(name)
    if standing and user is not None and getattr(user, "is_authenticated", False):
        require_standing(user)
    if not rules.has_perm(name, user, obj):
        raise perm.refuse()


@dataclass(frozen=True)
class Refused:
    """Why a user may not do something (the permission's sentence) and whom of their own organisation to ask:
    their partner admins, when one of them may do it (a partner's user never asks a program admin for what
    their own admin can do or grant)."""

    sentence: str
    ask: tuple = ()


def partner_admins_of(user):
    """The active admins of the user's partner, oldest first."""
    return User.objects.filter(partner_id=user.partner_id, role=Role.PARTNER_ADMIN, is_active=True).order_by("pk")


def refused(user, name: str, obj=None, *, sentence: str = "") -> Refused | None:
    """None when `user` holds `name` on `obj`; otherwise the refusal to show in place of the hidden button
    (`{% refusal_note %}`). A `sentence` that already says why and whom to ask (a partner's own setting,
    mdf.services.requester_refusal) is shown as it is."""
    if sentence:  # it already names whom to ask
        return Refused(sentence)
    if can(user, name, obj):
        return None
    text = str(get(name).refusal)
    if not is_partner_user(user) or is_partner_admin(user):
        return Refused(text)
    admins = tuple(partner_admins_of(user))
    if admins and can(admins[0], name, obj):
        return Refused(text, admins)
    return Refused(text)


def autodiscover() -> None:
    """Import every installed app's `access` module, which declares its permissions."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("access")


# --- the API -------------------------------------------------------------------------------------------


def PermissionRequired(name: str, *, object_level: bool = True):  # noqa: N802 - used like a class
    """A DRF permission class: the view needs `name` (without an object), and each object it returns or
    changes needs `name` on that object (`has_object_permission`)."""

    class _Required(drf_permissions.BasePermission):
        def has_permission(self, request, view):
            if object_level:
                return True  # decided per object
            if can(request.user, name):
                return True
            self.message = str(get(name).refusal)
            self.code = name
            return False

        def has_object_permission(self, request, view, obj):
            if can(request.user, name, obj):
                return True
            self.message = str(get(name).refusal)
            self.code = name
            return False

    _Required.__name__ = "Requires_" + name.replace(".", "_")
    return _Required
