"""Contests: a leaderboard of deals in the contest currency, resolved once the period is over."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from accounts import access
from commissions.models import (
    CommissionEntry,
    Contest,
    ContestStatus,
    ContestWinner,
    EntryKind,
)
from deals.models import DealRegistration, DealStatus
from fx.selectors import converted, missing_rates, unconverted
from fx.services import report_missing_rates
from prm import messages
from prm.audit import record_audit
from prm.exceptions import Conflict
from prm.money import CURRENCY_MESSAGE, is_currency, to_money
from prm.periods import parse_period

# Descriptions, rendered in the reader's language (prm/messages.py); `description` keeps the English text.
CONTEST_WON = ngettext_lazy(
    "Contest %(contest)s: winner with %(deals)s deal", "Contest %(contest)s: winner with %(deals)s deals", "deals"
)


def _contest_deals(contest: Contest, period):
    return DealRegistration.objects.filter(
        status=DealStatus.WON, partner__isnull=False, close_date__gte=period.start, close_date__lt=period.end
    )


def leaderboard(contest: Contest):
    """Partners by qualifying won deals closed in the contest's period (most first). A deal qualifies when
    its amount in the contest's currency, at the rate of its close date, is at least the minimum
    (fx.selectors.converted; docs/fx.md: Incentives); deals with no rate are in `contest_unconverted`."""
    period = parse_period(contest.period)
    return (
        _contest_deals(contest, period)
        .alias(in_contest_currency=converted("amount", "currency", "close_date", to=contest.currency))
        .filter(in_contest_currency__gte=contest.min_deal_amount)
        .values("partner_id", "partner__name")
        .annotate(deals=Count("pk"))
        .order_by("-deals", "partner__name")
    )


def contest_unconverted(contest: Contest) -> list[dict]:
    """The period's won deals that cannot be converted into the contest's currency yet, per currency."""
    return unconverted(
        _contest_deals(contest, parse_period(contest.period)), "amount", "close_date", to=contest.currency
    )


def _contest_missing_rates(contest: Contest, period) -> dict:
    """{currency: earliest day} without a rate among the contest's deals and its winners' possible bases."""
    missing = missing_rates(_contest_deals(contest, period), "close_date", to=contest.currency)
    entries = CommissionEntry.objects.filter(
        rule__isnull=False,
        kind__in=[EntryKind.COMMISSION, EntryKind.CLAWBACK],
        earned_on__gte=period.start,
        earned_on__lt=period.end,
    )
    for currency, since in missing_rates(entries, "earned_on", to=contest.currency).items():
        missing[currency] = min(since, missing.get(currency, since))
    return missing


def resolve_contest(*, contest_id: int, today=None) -> Contest:
    """After the period: the partner(s) with the most qualifying deals win. Ties: every tied partner wins.
    Each winner earns bonus_rate x its commissions earned in the period (net of clawbacks), once; entries
    in other currencies count at the rate of their earned_on day, in the contest's currency.

    A deal or commission of the period in a currency with no rate for its date would change the result:
    the contest waits (409, finance is alerted) and resolves on a later run, once finance has the rate."""
    today = today or timezone.localdate()
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest_id)
        if contest.status == ContestStatus.RESOLVED:
            return contest
        period = parse_period(contest.period)
        if today < period.end:
            raise Conflict(_("The contest's period has not closed yet."), code="contest_open")
        missing = _contest_missing_rates(contest, period)
    if missing:
        report_missing_rates(missing, where=f"contest {contest.name}")
        raise Conflict(
            _("The contest waits for exchange rates: %(currencies)s.") % {"currencies": ", ".join(sorted(missing))},
            code="contest_waits_for_rates",
        )
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest_id)
        if contest.status == ContestStatus.RESOLVED:
            return contest
        board = list(leaderboard(contest))
        top = board[0]["deals"] if board else 0
        for row in board:
            if top == 0 or row["deals"] < top:
                break
            ContestWinner.objects.get_or_create(contest=contest, partner_id=row["partner_id"], defaults={"deals": top})
            base = CommissionEntry.objects.filter(
                partner_id=row["partner_id"],
                rule__isnull=False,
                kind__in=[EntryKind.COMMISSION, EntryKind.CLAWBACK],
                earned_on__gte=period.start,
                earned_on__lt=period.end,
            ).aggregate(total=Sum(converted("amount", "currency", "earned_on", to=contest.currency)))[
                "total"
            ] or Decimal("0.00")
            if base <= 0:
                continue
            CommissionEntry.objects.get_or_create(
                contest=contest,
                partner_id=row["partner_id"],
                defaults={
                    "kind": EntryKind.SPIFF,
                    "earned_on": period.end - timedelta(days=1),
                    "base_amount": base,
                    "rate": contest.bonus_rate,
                    "amount": to_money(base * contest.bonus_rate),
                    "currency": contest.currency,
                    "description": f"Contest {contest.name}: winner with {top} deals",
                    "description_key": messages.key_of(CONTEST_WON),
                    "description_params": {"contest": messages.verbatim(contest.name), "deals": top},
                },
            )
        contest.status, contest.resolved_at = ContestStatus.RESOLVED, timezone.now()
        contest.save(update_fields=["status", "resolved_at"])
        record_audit(actor=None, obj=contest, action="resolve", from_state="open", to_state="resolved")
    return contest


def contests_due(today=None) -> list[int]:
    today = today or timezone.localdate()
    return [
        contest.pk
        for contest in Contest.objects.filter(status=ContestStatus.OPEN)
        if parse_period(contest.period).end <= today
    ]


def _check_terms(actor, *, period: str, currency: str) -> None:
    """Program admins only; a period such as 2026-Q3; a given currency on the one ISO 4217 list
    (prm/money.py), blank keeping the default."""
    access.require(actor, "commissions.manage_contests")
    try:
        parse_period(period)
    except ValueError as error:
        raise ValidationError({"period": [str(error)]}) from None
    if currency and not is_currency(currency.strip().upper()):
        raise ValidationError({"currency": [str(CURRENCY_MESSAGE)]})


def create_contest(*, actor, name, period, min_deal_amount, bonus_rate, currency="") -> Contest:
    _check_terms(actor, period=period, currency=currency)
    with transaction.atomic():
        contest = Contest.objects.create(
            name=name,
            period=period,
            min_deal_amount=to_money(min_deal_amount),
            bonus_rate=bonus_rate,
            currency=(currency or settings.DEFAULT_CURRENCY).upper(),
        )
        record_audit(actor=actor, obj=contest, action="create", to_state=contest.status)
    return contest


def update_contest(*, actor, contest: Contest, name, period, min_deal_amount, bonus_rate, currency="") -> Contest:
    """Change an open contest's terms (program admins); a resolved contest has paid out and stays as it is."""
    _check_terms(actor, period=period, currency=currency)
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.status != ContestStatus.OPEN:
            raise Conflict(_("This contest is resolved: its terms can no longer change."), code="contest_resolved")
        before = {"name": contest.name, "period": contest.period, "min_deal_amount": str(contest.min_deal_amount)}
        before.update(bonus_rate=str(contest.bonus_rate), currency=contest.currency)
        contest.name, contest.period = name, period
        contest.min_deal_amount, contest.bonus_rate = to_money(min_deal_amount), bonus_rate
        contest.currency = (currency or contest.currency).upper()
        contest.save(update_fields=["name", "period", "min_deal_amount", "bonus_rate", "currency"])
        after = {"name": contest.name, "period": contest.period, "min_deal_amount": str(contest.min_deal_amount)}
        after.update(bonus_rate=str(contest.bonus_rate), currency=contest.currency)
        changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        record_audit(actor=actor, obj=contest, action="update", changes=changes)
    return contest
