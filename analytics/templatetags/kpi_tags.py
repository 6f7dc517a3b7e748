"""Template helpers of analytics: the finance home's queue ageing (KPIs are formatted by prm's `formatting`
filters: `|rate`, `|money`, `|count`)."""

from django import template

from analytics import selectors

register = template.Library()


@register.simple_tag
def finance_mdf_queue():
    return selectors.mdf_claim_queue()


@register.simple_tag
def finance_commission_queues():
    return selectors.commission_queues()
