"""Panels of the role home pages (one include each), fed by selectors."""

from django import template

from mdf import selectors
from mdf.models import FundStatus

register = template.Library()


@register.simple_tag
def mdf_partner_panel(user):
    funds = selectors.fund_list(user)
    balance = selectors.partner_overview_balance(user)
    next_expiry = funds.filter(status=FundStatus.OPEN, available__gt=0).order_by("expires_at", "id").first()
    return {"balance": balance, "next_expiry": next_expiry}


@register.simple_tag
def mdf_finance_panel(user):
    return selectors.claim_queue_summary(user)
