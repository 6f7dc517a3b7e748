"""`{% load access %}{% has_perm "deals.mark_won" user deal as can_win %}`: the permission layer in templates
(accounts/access.py), without Django's superuser shortcut."""

from django import template

from accounts import access

register = template.Library()


@register.simple_tag
def has_perm(name, user, obj=None) -> bool:
    return access.can(user, name, obj)
