"""Settings writes of the accounts app (docs/settings.md): the program's notification defaults and the roles
of internal staff. Each checks its permission, writes in one transaction and appends an audit row."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from prm.audit import record_audit
from prm.models import NotificationCategory, NotificationDefault
from prm.notifications import store_program_email_defaults


def set_notification_defaults(*, actor, emailed_categories: Iterable[str]) -> list:
    """E-mail on by default for the given categories, off for the others (users' own choices still win)."""
    access.require(actor, "accounts.edit_notification_defaults")
    emailed = list(emailed_categories)
    unknown = sorted(set(emailed) - set(NotificationCategory.values))
    if unknown:
        raise ValidationError({"email": [_("Unknown category: %(name)s.") % {"name": ", ".join(unknown)}]})
    with transaction.atomic():
        changed = store_program_email_defaults(emailed_categories=emailed)
        for category, before, after in changed:
            row = NotificationDefault.objects.get(category=category)
            record_audit(actor=actor, obj=row, action="change_default", changes={"email": [before, after]})
    return changed


def change_staff_member(*, actor, member: User, role: str, active: bool) -> User:
    """Change an internal user's role or switch the account off (never deleted: their history stays)."""
    access.require(actor, "accounts.manage_staff")
    if not access.is_internal_role(member.role) or not access.is_internal_role(role):
        raise ValidationError({"role": [_("Choose one of the internal roles.")]})
    wanted = {"role": role, "is_active": active}
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=member.pk)
        current = {"role": member.role, "is_active": member.is_active}
        changes = {name: [current[name], value] for name, value in wanted.items() if current[name] != value}
        if changes and member.pk == actor.pk:
            raise ValidationError({"role": [_("You cannot change your own role or switch off your own account.")]})
        if changes:
            member.role, member.is_active = role, active
            member.save(update_fields=["role", "is_active"])
            record_audit(actor=actor, obj=member, action="change_staff", changes=changes)
    return member
