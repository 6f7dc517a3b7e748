"""Reporting periods: months ("2026-11") and fiscal quarters ("2026-Q4"), from FISCAL_YEAR_START_MONTH."""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from prm import inputs

# fullmatch and ASCII digits only: "2026-11\n" or other scripts' digits are not period keys.
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])", re.ASCII)
_QUARTER = re.compile(r"(\d{4})-Q([1-4])", re.ASCII)


@dataclass(frozen=True)
class Period:
    key: str
    start: date  # first day, inclusive
    end: date  # first day after the period, exclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_of(day: date) -> Period:
    start = date(day.year, day.month, 1)
    return Period(f"{day.year}-{day.month:02d}", start, _add_months(start, 1))


def quarter_of(day: date) -> Period:
    """The fiscal quarter holding `day`; a fiscal year is named after the calendar year it ends in."""
    offset = settings.FISCAL_YEAR_START_MONTH - 1
    fiscal_index = (day.year * 12 + day.month - 1) - offset
    fiscal_year, month_in_year = divmod(fiscal_index, 12)
    quarter = month_in_year // 3 + 1
    name_year = fiscal_year + (1 if offset else 0)
    start = _add_months(date(fiscal_year, 1, 1), offset + (quarter - 1) * 3)
    return Period(f"{name_year}-Q{quarter}", start, _add_months(start, 3))


def parse_period(key: str, *, earliest=None, latest=None) -> Period:
    """Parse "2026-11" or "2026-Q4"; raises ValueError with a message people can read.

    The one home for period input: a period must overlap the input window of prm.inputs (2000-01-01 to
    today + 10 years, unless the caller passes its own `earliest` / `latest`), so no caller ever does date
    arithmetic on year 1 or year 9999 (docs/inputs.md).
    """
    if not isinstance(key, str):
        raise ValueError(_("Use a month like 2026-11 or a quarter like 2026-Q4."))
    low, high = inputs.window(earliest, latest)
    if match := _MONTH.fullmatch(key):
        year = int(match[1])
        _check_year(year, low, high)
        period = month_of(date(year, int(match[2]), 1))
    elif match := _QUARTER.fullmatch(key):
        offset = settings.FISCAL_YEAR_START_MONTH - 1
        name_year, quarter = int(match[1]), int(match[2])
        _check_year(name_year, low, high)
        fiscal_year = name_year - (1 if offset else 0)
        start = _add_months(date(fiscal_year, 1, 1), offset + (quarter - 1) * 3)
        period = Period(key, start, _add_months(start, 3))
    else:
        raise ValueError(_("Use a month like 2026-11 or a quarter like 2026-Q4."))
    if period.end <= low or period.start > high:
        raise ValueError(_out_of_range(low, high))
    return period


def _out_of_range(low: date, high: date) -> str:
    return _("Choose a period from %(earliest)s to %(latest)s.") % {
        "earliest": month_of(low).key,
        "latest": month_of(high).key,
    }


def _check_year(year: int, low: date, high: date) -> None:
    """Refuse years far outside the window before building dates from them (year 0 cannot be built)."""
    if not low.year - 1 <= year <= high.year + 1:
        raise ValueError(_out_of_range(low, high))
