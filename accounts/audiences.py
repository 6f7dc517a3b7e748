"""Named audiences of notifications: who, given a domain event, hears about it (docs/notifications.md).

Each audience is a function of the event returning active users; the factories (`with_roles`, `payload_user`,
`partner_admins_and`) make such functions. Apps use them in their notification tables and keep their own
app-specific audiences (mdf's marketing people) next to those tables. Selecting users by role here is data,
not a permission check.
"""

from accounts.models import Role, User


def _active():
    return User.objects.filter(is_active=True)


def with_roles(*roles):
    """Every active user holding one of `roles` (the program admins, finance)."""

    def audience(event):
        return _active().filter(role__in=roles)

    return audience


def payload_user(key: str):
    """The active user whose id the payload carries under `key` (the inviter, the lead's creator)."""

    def audience(event):
        return _active().filter(pk=(event.payload or {}).get(key))

    return audience


channel_manager = payload_user("channel_manager_id")  # the partner's channel manager when the event was recorded


def channel_manager_of_partner(event):
    """The channel manager the event's partner has now."""
    partner = event.partner if event.partner_id else None
    return _active().filter(pk=partner.channel_manager_id) if partner else User.objects.none()


def partner_admins(event):
    if event.partner_id is None:
        return User.objects.none()
    return _active().filter(partner_id=event.partner_id, role=Role.PARTNER_ADMIN)


def partner_users(event):
    """Everyone of the event's partner."""
    return _active().filter(partner_id=event.partner_id)


def partner_admins_and(key: str):
    """The partner's admins and its user named in the payload under `key` (who registered the deal)."""

    def audience(event):
        if event.partner_id is None:
            return User.objects.none()
        named = (event.payload or {}).get(key)
        return partner_admins(event) | _active().filter(partner_id=event.partner_id, pk__in=[named] if named else [])

    return audience


def any_of(*audiences):
    """Everyone in at least one of `audiences`, each once."""

    def audience(event):
        users = audiences[0](event)
        for other in audiences[1:]:
            users = users | other(event)
        return users

    return audience


program_admins = with_roles(Role.PROGRAM_ADMIN)
finance_users = with_roles(Role.FINANCE)
recruiters = with_roles(Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN)
