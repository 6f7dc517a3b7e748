"""Exchange-rate demo data for seed_demo (runs before deals): EUR, GBP, CAD and AUD rates against the program
currency, one per fiscal quarter over the last two years, recorded by the demo finance user. Safe to run
again: a currency and date that already has a rate is left alone.
"""

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User
from fx.models import ExchangeRate
from prm.periods import _add_months, quarter_of

# Plausible USD value of one unit at the start of the demo window, and the quarterly drift range.
STARTING_RATES = {
    "EUR": Decimal("1.0800"),
    "GBP": Decimal("1.2600"),
    "CAD": Decimal("0.7400"),
    "AUD": Decimal("0.6600"),
}
QUARTERS = 9  # the running quarter and the eight before it
STEP = Decimal("0.0001")


def quarter_starts(today: date) -> list[date]:
    first = quarter_of(today).start
    return [_add_months(first, -3 * back) for back in range(QUARTERS - 1, -1, -1)]


def seed(*, seed: int, partners: int, stdout) -> None:
    if settings.DEFAULT_CURRENCY in STARTING_RATES:
        stdout.write(f"  fx: the program currency is {settings.DEFAULT_CURRENCY}; its own rate is skipped")
    rng = random.Random(seed + 12)  # noqa: S311 - reproducible demo data
    finance = User.objects.filter(role=Role.FINANCE, is_active=True).order_by("pk").first()
    existing = set(ExchangeRate.objects.values_list("currency", "effective_from"))
    starts = quarter_starts(timezone.localdate())
    rows = []
    for currency, rate in STARTING_RATES.items():
        for start in starts:
            # A small random walk: at most 3 % either way a quarter, never far from the starting rate.
            drift = Decimal(rng.randint(-300, 300)) / Decimal(10000)
            rate = (rate * (1 + drift)).quantize(STEP, rounding=ROUND_HALF_UP)
            low, high = STARTING_RATES[currency] * Decimal("0.85"), STARTING_RATES[currency] * Decimal("1.15")
            rate = min(max(rate, low), high).quantize(STEP, rounding=ROUND_HALF_UP)
            if currency == settings.DEFAULT_CURRENCY or (currency, start) in existing:
                continue
            rows.append(
                ExchangeRate(
                    currency=currency,
                    rate=rate,
                    effective_from=start,
                    note="Demo: quarterly reference rate",
                    created_by=finance,
                )
            )
    ExchangeRate.objects.bulk_create(rows)
    stdout.write(f"  fx: {len(rows)} quarterly exchange rates for {', '.join(STARTING_RATES)}")
