"""Template helpers of analytics: KPI formatting."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats

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
