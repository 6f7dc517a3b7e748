"""Template helpers of analytics: KPI formatting and the finance home's queue ageing."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats

from analytics import selectors

register = template.Library()


@register.filter
def percent(value) -> str:
    """A 0-1 fraction as "66.7 %"; an em dash when there is none."""
    if value is None or value == "":
        return "—"
    number = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{formats.number_format(number, 1)} %"


@register.filter
def dash(value):
    return "—" if value is None else value


@register.simple_tag
def finance_mdf_queue():
    return selectors.mdf_claim_queue()


@register.simple_tag
def finance_commission_queues():
    return selectors.commission_queues()
