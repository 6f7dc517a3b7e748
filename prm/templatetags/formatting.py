"""`{% load formatting %}`: money, rates, counts and dates per the reader's locale (prm/formatting.py).

{{ deal.amount|money:deal.currency }}   {{ rule.rate|rate }}   {{ partners|count }}
{{ deal.protected_until|day }}          {{ notice.created_at|moment }}
"""

from django import template

from prm import formatting, labels

register = template.Library()


@register.filter
def money(amount, currency=None):
    return formatting.money(amount, currency or None)


@register.filter
def rate(fraction, places=1):
    return formatting.rate(fraction, int(places))


@register.filter(name="count")
def count(value, places=0):
    return formatting.number(value, int(places))


@register.filter
def day(value):
    return formatting.day(value)


@register.filter
def moment(value):
    return formatting.moment(value)


@register.filter
def action_label(code):
    return labels.action_label(code)


@register.filter
def state_label(code):
    return labels.state_label(code)


@register.filter
def model_label(content_type):
    return labels.model_label(content_type)


@register.filter
def code_label(code):
    """One code (or each of a list of codes, joined by ", ") as its label."""
    if isinstance(code, list | tuple):
        return ", ".join(labels.code_label(item) for item in code)
    return labels.code_label(code)
