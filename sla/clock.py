"""Business-day clocks for the two-sided SLAs (docs/sla.md). Business days are Monday to Friday.

The SLA helper owns this module; these signatures are what deals, disputes and the pages rely on."""

from datetime import date, datetime, timedelta

from django.utils import timezone


def business_days_between(start: date, end: date) -> int:
    """Whole business days from start to end, start excluded (0 when end <= start)."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    days = full_weeks * 5
    current = start + timedelta(days=full_weeks * 7)
    for _ in range(rest):
        current += timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after start."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def due_at(started: datetime, business_days: int) -> datetime:
    """The moment an SLA of `business_days` that started at `started` is breached: the end of the
    last business day (local time)."""
    local = timezone.localtime(started)
    last = add_business_days(local.date(), business_days)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time())
    return timezone.make_aware(end, timezone.get_current_timezone())
