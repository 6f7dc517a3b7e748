"""Whether a chart has anything to draw, decided on the server (docs/pages.md): a Chart.js data object without
a single non-zero value is replaced in the HTML by "No data to chart yet." (prm/partials/chart_empty.html), so
the sentence is there without JavaScript and for screen readers.

    {% load charts %}{% if chart|has_chart_data %}<div class="chart-box"><canvas ...></div>
    {% else %}{% include "prm/partials/chart_empty.html" %}{% endif %}
"""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _value(point):
    if isinstance(point, dict):
        return point.get("y", point.get("x"))
    return point


def _non_zero(value) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    try:
        return Decimal(str(value)) != 0
    except (InvalidOperation, ValueError):
        return False


@register.filter
def has_chart_data(data) -> bool:
    """True when some dataset of the chart has a non-zero value."""
    if not isinstance(data, dict):
        return False
    datasets = data.get("datasets") or ()
    return any(_non_zero(_value(point)) for dataset in datasets for point in dataset.get("data") or ())
