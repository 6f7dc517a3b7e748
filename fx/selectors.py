"""Reads of exchange rates for pages and the API."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from fx.models import ExchangeRate


def in_force_ids(day: date | None = None):
    """A subquery of the ids of the rows in force on `day` (one per currency that has a rate by then)."""
    day = day or timezone.localdate()
    latest = (
        ExchangeRate.objects.filter(currency=OuterRef("currency"), effective_from__lte=day)
        .order_by("-effective_from", "-created_at", "-id")
        .values("pk")[:1]
    )
    return ExchangeRate.objects.filter(effective_from__lte=day, pk=Subquery(latest)).values("pk")


def rates_for(user, day: date | None = None):
    """The rates the user may read, each annotated `in_force` (the row in force on `day`, default today),
    `superseded` (a later correction of the same currency and day exists) and `scheduled` (starts after
    `day`). Newest first within each currency."""
    day = day or timezone.localdate()
    later_correction = ExchangeRate.objects.filter(
        currency=OuterRef("currency"), effective_from=OuterRef("effective_from")
    ).filter(Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")))
    return (
        ExchangeRate.objects.visible_to(user)
        .select_related("created_by")
        .annotate(
            in_force=Q(pk__in=in_force_ids(day)),
            superseded=Exists(later_correction),
            scheduled=Q(effective_from__gt=day),
        )
        .order_by("currency", "-effective_from", "-created_at", "-id")
    )


def current_rates(user, day: date | None = None) -> list[ExchangeRate]:
    """The row in force on `day` for each currency, in currency order (one query)."""
    return list(ExchangeRate.objects.visible_to(user).filter(pk__in=in_force_ids(day)).order_by("currency"))


def rates_during(start: date, end: date) -> list[ExchangeRate]:
    """The rates a period's amounts were converted at: per currency, the row in force on `start` and the
    rows taking effect before `end` (exclusive), without superseded same-day corrections (one query)."""
    later_correction = ExchangeRate.objects.filter(
        currency=OuterRef("currency"), effective_from=OuterRef("effective_from")
    ).filter(Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")))
    return list(
        ExchangeRate.objects.filter(Q(pk__in=in_force_ids(start)) | Q(effective_from__gt=start, effective_from__lt=end))
        .exclude(Exists(later_correction))
        .order_by("currency", "effective_from")
    )
