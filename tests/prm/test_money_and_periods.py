"""Money rounds half-up to cents and refuses floats; periods follow the fiscal year start month."""

from datetime import date
from decimal import Decimal

import pytest

from prm.money import to_money
from prm.periods import Period, month_of, parse_period, quarter_of


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("2.345"), Decimal("2.35")),
        (Decimal("2.344"), Decimal("2.34")),
        (Decimal("-2.345"), Decimal("-2.35")),
        (Decimal("0.005"), Decimal("0.01")),
        ("2.345", Decimal("2.35")),
        ("1000000.125", Decimal("1000000.13")),
        (10, Decimal("10.00")),
        ("0", Decimal("0.00")),
    ],
)
def test_money_rounds_half_up_to_cents(amount, expected):
    result = to_money(amount)
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("amount", [2.345, 0.1, float("nan")])
def test_money_refuses_floats(amount):
    with pytest.raises(TypeError, match="float"):
        to_money(amount)


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-inf", "twelve", "", None])
def test_money_refuses_what_is_not_an_amount(amount):
    with pytest.raises(ValueError, match="not an amount"):
        to_money(amount)


@pytest.fixture
def calendar_fiscal_year(settings):
    settings.FISCAL_YEAR_START_MONTH = 1


@pytest.fixture
def april_fiscal_year(settings):
    settings.FISCAL_YEAR_START_MONTH = 4


def test_month_of_a_day(calendar_fiscal_year):
    assert month_of(date(2026, 11, 17)) == Period("2026-11", date(2026, 11, 1), date(2026, 12, 1))
    assert month_of(date(2026, 12, 31)) == Period("2026-12", date(2026, 12, 1), date(2027, 1, 1))


@pytest.mark.parametrize(
    ("day", "key", "start", "end"),
    [
        (date(2026, 1, 1), "2026-Q1", date(2026, 1, 1), date(2026, 4, 1)),
        (date(2026, 3, 31), "2026-Q1", date(2026, 1, 1), date(2026, 4, 1)),
        (date(2026, 11, 5), "2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
        (date(2026, 12, 31), "2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
    ],
)
def test_calendar_quarters(calendar_fiscal_year, day, key, start, end):
    assert quarter_of(day) == Period(key, start, end)


@pytest.mark.parametrize(
    ("day", "key", "start", "end"),
    [
        # A fiscal year starting in April is named after the calendar year it ends in.
        (date(2026, 4, 1), "2027-Q1", date(2026, 4, 1), date(2026, 7, 1)),
        (date(2026, 11, 5), "2027-Q3", date(2026, 10, 1), date(2027, 1, 1)),
        (date(2027, 1, 15), "2027-Q4", date(2027, 1, 1), date(2027, 4, 1)),
        (date(2026, 3, 31), "2026-Q4", date(2026, 1, 1), date(2026, 4, 1)),
    ],
)
def test_fiscal_quarters_when_the_year_starts_in_april(april_fiscal_year, day, key, start, end):
    assert quarter_of(day) == Period(key, start, end)


@pytest.mark.parametrize("start_month", [1, 2, 4, 7, 10, 12])
def test_every_day_lies_in_its_quarter_and_the_key_parses_back(settings, start_month):
    settings.FISCAL_YEAR_START_MONTH = start_month
    for year in (2025, 2026):
        for month in range(1, 13):
            day = date(year, month, 15)
            quarter = quarter_of(day)
            assert day in quarter
            assert parse_period(quarter.key) == quarter
            assert parse_period(month_of(day).key) == month_of(day)


def test_parse_period_reads_months_and_quarters(april_fiscal_year):
    assert parse_period("2026-11") == Period("2026-11", date(2026, 11, 1), date(2026, 12, 1))
    assert parse_period("2027-Q1") == Period("2027-Q1", date(2026, 4, 1), date(2026, 7, 1))


def test_parse_period_reads_calendar_quarters(calendar_fiscal_year):
    assert parse_period("2026-Q1") == Period("2026-Q1", date(2026, 1, 1), date(2026, 4, 1))


def test_period_end_is_exclusive():
    period = Period("2026-11", date(2026, 11, 1), date(2026, 12, 1))
    assert date(2026, 11, 30) in period
    assert date(2026, 12, 1) not in period and date(2026, 10, 31) not in period


@pytest.mark.parametrize(
    "key",
    [
        "2026-13",
        "2026-00",
        "2026-Q5",
        "2026-Q0",
        "26-11",
        "2026/11",
        "2026-q4",
        "",
        " 2026-11",
        "2026-11\n",
        "2026-Q4\n",
        "２０２６-11",
        None,
        202611,
    ],
)
def test_parse_period_refuses_bad_input(calendar_fiscal_year, key):
    with pytest.raises(ValueError, match="Use a month like"):
        parse_period(key)
