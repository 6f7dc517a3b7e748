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


register.filter("day", formatting.day)


register.filter("moment", formatting.moment)


register.filter("action_label", labels.action_label)


register.filter("state_label", labels.state_label)


register.filter("model_label", labels.model_label)


@register.filter
def code_label(code):
    """One code (or each of a list of codes, joined by ", ") as its label."""
    if isinstance(code, list | tuple):
        return ", ".join(labels.code_label(item) for item in code)
    return labels.code_label(code)
