"""Home-page panels of commissions (one include each on the finance and partner homes)."""

from django import template

from commissions import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def commission_finance_panel(context):
    return selectors.finance_panel(context["request"].user)


@register.simple_tag(takes_context=True)
def commission_partner_panel(context):
    data = selectors.earnings(context["request"].user)
    return {key: data[key] for key in ("pending", "approved", "paid", "currency", "next_payout")}


@register.simple_tag
def finance_commission_queues():
    return selectors.approval_queues()
