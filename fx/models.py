"""Exchange rates (docs/fx.md): finance's effective-dated rate table for program-level totals.

Deals, MDF and commissions keep their own ISO currency. Program-level totals (the KPI rollups and the
dashboards built on them) convert each amount into the program currency (settings.DEFAULT_CURRENCY) at
the rate in force on the record's date; an amount with no rate for its date is left out and counted,
never mixed in silently (docs/fx.md).

ExchangeRate is an append-only table: a rate is never edited or deleted. A rate applies from its
`effective_from` date until the next rate of the same currency. A correction of a rate for the same
day is a new row with the same currency and `effective_from`: the latest recorded row (created_at, then
id) wins, and the row it replaced stays visible in the list as superseded.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from prm.money import currency_validator

RATE_MAX_DIGITS = 18
RATE_DECIMAL_PLACES = 8
SMALLEST_RATE = Decimal("0.00000001")


def latest_rate_day() -> date:
    """A rate may start at most one year from today (the later bound of prm.inputs' date window)."""
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


class ExchangeRateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rates are program configuration: every internal role reads them, partner users none."""
        return self if access.can(user, "fx.view_rates") else self.none()

    def in_force_order(self):
        """Newest first: by effective date, then the latest correction of a day."""
        return self.order_by("-effective_from", "-created_at", "-id")


class ExchangeRate(models.Model):
    """One unit of `currency` is worth `rate` units of the program currency from `effective_from` on."""

    currency = models.CharField(
        _("currency"), max_length=3, validators=[currency_validator], help_text=_("ISO 4217 code, e.g. EUR.")
    )
    rate = models.DecimalField(
        _("rate"),
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        validators=[MinValueValidator(SMALLEST_RATE)],
        help_text=_("Program currency per 1 unit of the currency."),
    )
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-effective_from", "-created_at", "-id"]
        indexes = [
            # The as-of lookup of the rollups: the latest row of a currency on or before a day.
            models.Index(fields=["currency", "effective_from", "created_at"], name="fx_rate_asof_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="fx_rate_positive"),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.rate} {settings.DEFAULT_CURRENCY} from {self.effective_from}"
