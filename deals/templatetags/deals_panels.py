"""Home-page panels of deal registration, so the role homes need one include each."""

from django import template

from deals import selectors

register = template.Library()


@register.inclusion_tag("deals/partials/partner_panel_body.html", takes_context=True)
def partner_deals_panel(context):
    user = context["request"].user
    return {**selectors.partner_panel(user), "user": user}


@register.inclusion_tag("deals/partials/internal_panel_body.html", takes_context=True)
def internal_deals_panel(context):
    user = context["request"].user
    return {**selectors.internal_panel(user), "user": user}
