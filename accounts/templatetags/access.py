"""`{% load access %}{% has_perm "deals.mark_won" user deal as can_win %}`: the permission layer in templates
(accounts/access.py), without Django's superuser shortcut.

`{% refusal_note "disputes.open" user deal %}` in place of a button the user may not press: the permission's
refusal sentence and, for a partner's user, the partner admins to ask (nothing when the user may press it).
`{% refusal_note "mdf.submit_request" user sentence=text %}` shows a sentence that already names whom to ask."""

from django import template

from accounts import access

register = template.Library()


@register.simple_tag
def has_perm(name, user, obj=None) -> bool:
    return access.can(user, name, obj)


@register.inclusion_tag("accounts/partials/refusal.html")
def refusal_note(name, user, obj=None, sentence=""):
    return {"refused": access.refused(user, name, obj, sentence=sentence)}


@register.simple_tag
def admins_to_ask(user) -> tuple:
    """The partner admins a partner's (non-admin) user asks for access; empty for anyone else (the 403 page)."""
    if not access.is_partner_user(user) or access.is_partner_admin(user):
        return ()
    return tuple(access.partner_admins_of(user))
