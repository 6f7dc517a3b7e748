"""Work queues aged by how long each item has waited: the finance home's queues of MDF claims, commission
entries and payout batches (each app's selectors name its own queue; this is the one way they are aged)."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from prm.money import CENT

AGEING_BUCKETS = (
    (gettext_lazy("0-7 days"), 0, 7),
    (gettext_lazy("8-30 days"), 8, 30),
    (gettext_lazy("31-60 days"), 31, 60),
    (gettext_lazy("over 60 days"), 61, None),
)


def ageing(queryset, *, amount: str, since: str = "created_at") -> list[dict]:
    """Per currency: count and total, and count and total per ageing bucket; one grouped query."""
    now = timezone.now()
    aggregates = {"waiting": Count("id"), "amount_total": Sum(amount)}
    for index, (_label, low, high) in enumerate(AGEING_BUCKETS):
        condition = Q(**{f"{since}__lte": now - timedelta(days=low)})
        if high is not None:
            condition &= Q(**{f"{since}__gt": now - timedelta(days=high + 1)})
        aggregates[f"n{index}"] = Count("id", filter=condition)
        aggregates[f"t{index}"] = Sum(amount, filter=condition)
    rows = []
    for row in queryset.values("currency").annotate(**aggregates).order_by("currency"):
        row["count"], row["total"] = row.pop("waiting"), Decimal(row.pop("amount_total") or 0).quantize(CENT)
        row["buckets"] = [
            {"label": label, "count": row[f"n{i}"], "total": Decimal(row[f"t{i}"] or 0).quantize(CENT)}
            for i, (label, _low, _high) in enumerate(AGEING_BUCKETS)
        ]
        rows.append(row)
    return rows
