"""`{% status_badge obj %}`: the coloured status badge declared by the object's app (prm/badges.py)."""

from django import template

from prm.badges import badge_for

register = template.Library()


@register.simple_tag
def status_badge(obj):
    return badge_for(obj).render(obj)
