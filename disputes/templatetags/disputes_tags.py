"""`{% deal_dispute_panel deal %}`: the deal page's explainable-match and dispute panel."""

from django import template

from disputes import selectors

register = template.Library()


@register.inclusion_tag("disputes/partials/deal_panel.html", takes_context=True)
def deal_dispute_panel(context, deal):
    return selectors.deal_panel(deal, context["request"].user)
