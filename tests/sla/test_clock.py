"""Business-day clocks (sla/clock.py): weekends do not count; an SLA ends at the end of its last business day."""

from datetime import date, datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from sla.clock import add_business_days, business_days_between, due_at

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 11, d) for d in range(2, 9))


@pytest.mark.parametrize(
    "start,end,expected",
    [
        (MON, MON, 0),
        (MON, TUE, 1),
        (MON, FRI, 4),
        (FRI, SAT, 0),
        (FRI, SUN, 0),
        (FRI, date(2026, 11, 9), 1),  # Friday to Monday: one business day
        (SAT, date(2026, 11, 9), 1),
        (MON, date(2026, 11, 16), 10),  # two full weeks
        (MON, date(2026, 11, 18), 12),
        (TUE, MON, 0),  # end before start
    ],
)
def test_business_days_between(start, end, expected):
    assert business_days_between(start, end) == expected


@pytest.mark.parametrize(
    "start,days,expected",
    [
        (MON, 0, MON),
        (MON, 2, WED),
        (THU, 2, date(2026, 11, 9)),  # over the weekend
        (FRI, 1, date(2026, 11, 9)),
        (SAT, 1, date(2026, 11, 9)),
        (MON, 10, date(2026, 11, 16)),
    ],
)
def test_add_business_days(start, days, expected):
    assert add_business_days(start, days) == expected


def test_business_days_between_agrees_with_add_business_days():
    for offset in range(7):
        start = date(2026, 11, 2 + offset)
        for days in range(12):
            if start.weekday() < 5:
                assert business_days_between(start, add_business_days(start, days)) == days


@override_settings(TIME_ZONE="Europe/Berlin")
def test_due_at_is_the_end_of_the_last_business_day_in_local_time():
    started = timezone.make_aware(datetime(2026, 11, 5, 16, 30))  # Thursday afternoon, Berlin
    due = due_at(started, 2)
    assert timezone.localtime(due) == timezone.make_aware(datetime(2026, 11, 10, 0, 0))  # end of Monday
    assert due.utcoffset() is not None
