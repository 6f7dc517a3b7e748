"""Reporting periods: months ("2026-11") and fiscal quarters ("2026-Q4"), from FISCAL_YEAR_START_MONTH."""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

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


def parse_period(key: str) -> Period:
    """Parse "2026-11" or "2026-Q4"; raises ValueError with a message people can read."""
    if not isinstance(key, str):
        raise ValueError(_("Use a month like 2026-11 or a quarter like 2026-Q4."))
    if match := _MONTH.fullmatch(key):
        return month_of(date(int(match[1]), int(match[2]), 1))
    if match := _QUARTER.fullmatch(key):
        offset = settings.FISCAL_YEAR_START_MONTH - 1
        name_year, quarter = int(match[1]), int(match[2])
        fiscal_year = name_year - (1 if offset else 0)
        start = _add_months(date(fiscal_year, 1, 1), offset + (quarter - 1) * 3)
        return Period(key, start, _add_months(start, 3))
    raise ValueError(_("Use a month like 2026-11 or a quarter like 2026-Q4."))
