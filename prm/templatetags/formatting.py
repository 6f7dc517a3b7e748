"""`{% load formatting %}`: money, rates, counts and dates per the reader's locale (prm/formatting.py).

{{ deal.amount|money:deal.currency }}   {{ rule.rate|rate }}   {{ partners|count }}
{{ deal.protected_until|day }}          {{ notice.created_at|moment }}
"""

from django import template

from prm import formatting

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
