"""Spiffs and contests convert deal amounts into the incentive's currency at the close date's rate; a
missing rate is shown and finance is alerted, never silently dropped (docs/fx.md: Incentives)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from commissions import services
from commissions.models import CommissionEntry, EntryKind, SpiffKind
from commissions.rules import compute_entries_for_deals
from fx import services as fx_services
from fx.models import ExchangeRate
from prm.events import dispatch
from prm.exceptions import Conflict
from prm.models import DomainEvent, Notification
from tests.commissions.factories import SpiffFactory, WonDealFactory
from tests.factories import InternalUserFactory, PartnerFactory, tier

pytestmark = pytest.mark.django_db

D = Decimal
CLOSE = date(2026, 6, 15)


@pytest.fixture
def eur_rates():
    # 1 EUR = 1.05 USD until May, 1.10 USD from 1 June: the close date's rate applies.
    ExchangeRate.objects.create(currency="EUR", rate=D("1.05"), effective_from=date(2026, 1, 1))
    ExchangeRate.objects.create(currency="EUR", rate=D("1.10"), effective_from=date(2026, 6, 1))


def spiff(**overrides):
    return SpiffFactory(starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 30), **overrides)


def spiff_entries(deal):
    return list(
        CommissionEntry.objects.filter(deal=deal, kind=EntryKind.SPIFF).values("amount", "base_amount", "currency")
    )


def gold():
    return PartnerFactory(partner_type="reseller", tier=tier("Gold"))


def test_a_usd_spiff_pays_on_a_eur_deal_converted_at_the_close_dates_rate(eur_rates):
    spiff(rate=D("0.0200"), min_deal_amount=D("10500.00"))
    deal = WonDealFactory(partner=gold(), amount=D("10000.00"), currency="EUR", close_date=CLOSE)
    compute_entries_for_deals([deal.pk])
    # 10,000 EUR x 1.10 = 11,000.00 USD >= 10,500 minimum; 2 % of it = 220.00 USD.
    assert spiff_entries(deal) == [{"amount": D("220.00"), "base_amount": D("11000.00"), "currency": "USD"}]


def test_a_eur_spiff_converts_a_usd_deal_into_euros(eur_rates):
    spiff(rate=D("0.0200"), currency="EUR", min_deal_amount=D("10000.00"))
    spiff(kind=SpiffKind.FLAT, rate=None, flat_amount=D("300.00"), currency="EUR", min_deal_amount=D("10001.00"))
    deal = WonDealFactory(partner=gold(), amount=D("11000.00"), currency="USD", close_date=CLOSE)
    compute_entries_for_deals([deal.pk])
    # 11,000 USD / 1.10 = 10,000.00 EUR: meets the first minimum exactly (200.00 EUR), misses the second.
    assert spiff_entries(deal) == [{"amount": D("200.00"), "base_amount": D("10000.00"), "currency": "EUR"}]


def test_a_deal_without_a_rate_alerts_finance_and_earns_its_spiff_once_the_rate_is_recorded(eur_rates):
    finance = InternalUserFactory(role=Role.FINANCE)
    spiff(rate=D("0.0100"))
    deal = WonDealFactory(partner=gold(), amount=D("20000.00"), currency="CHF", close_date=CLOSE)
    compute_entries_for_deals([deal.pk])
    assert spiff_entries(deal) == []
    event = DomainEvent.objects.get(name="fx.rate_missing")
    assert event.payload["currency"] == "CHF" and event.payload["since"] == "2026-06-15"
    dispatch(event.pk)
    notice = Notification.objects.get(user=finance, event=event)
    assert "CHF" in notice.title and notice.url.startswith(reverse("fx:rate_new"))
    # The same miss again: finance was already told.
    compute_entries_for_deals([deal.pk])
    assert DomainEvent.objects.filter(name="fx.rate_missing").count() == 1
    # Finance records the rate: the deal's spiff is decided (20,000 CHF x 1.12 = 22,400.00 USD, 1 %).
    fx_services.record_rate(user=finance, currency="CHF", rate="1.12", effective_from=date(2026, 6, 1))
    dispatch(DomainEvent.objects.get(name="fx.rate_changed").pk)  # what record_rate queues on commit
    assert spiff_entries(deal) == [{"amount": D("224.00"), "base_amount": D("22400.00"), "currency": "USD"}]


def _contest_program(program_admin):
    winner, other = PartnerFactory(name="Winner"), PartnerFactory(name="Other")  # Registered resellers: 30 %
    usd = [
        WonDealFactory(partner=winner, amount=D(amount), currency="USD", close_date=date(2026, 8, 3))
        for amount in ("60000.00", "56000.00", "50000.00")  # 54,545.45 / 50,909.09 / 45,454.55 EUR
    ]
    eur = WonDealFactory(partner=other, amount=D("70000.00"), currency="EUR", close_date=date(2026, 8, 4))
    compute_entries_for_deals([d.pk for d in [*usd, eur]])
    contest = services.create_contest(
        actor=program_admin,
        name="Q3 EUR",
        period="2026-Q3",
        min_deal_amount="50000",
        bonus_rate=D("0.05"),
        currency="EUR",
    )
    return winner, other, contest


def test_a_contest_counts_deals_of_every_currency_in_its_own(program_admin, eur_rates):
    winner, other, contest = _contest_program(program_admin)
    assert [(row["partner_id"], row["deals"]) for row in services.leaderboard(contest)] == [
        (winner.pk, 2),
        (other.pk, 1),
    ]
    services.resolve_contest(contest_id=contest.pk, today=date(2026, 10, 1))
    bonus = CommissionEntry.objects.get(contest=contest)
    # Winner's commissions: 30 % of 60,000 / 56,000 / 50,000 USD = 18,000 + 16,800 + 15,000 USD, each in
    # EUR at 1.10: 16,363.64 + 15,272.73 + 13,636.36 = 45,272.73 EUR; 5 % = 2,263.64 EUR.
    assert (bonus.partner, bonus.currency, bonus.base_amount, bonus.amount) == (
        winner,
        "EUR",
        D("45272.73"),
        D("2263.64"),
    )


def test_a_contest_waits_for_a_missing_rate_and_shows_the_unconverted_deals(
    program_admin, eur_rates, client_for, partner_admin
):
    winner, other, contest = _contest_program(program_admin)
    WonDealFactory(partner=other, amount=D("90000.00"), currency="CHF", close_date=date(2026, 9, 1))
    page = client_for(partner_admin).get(reverse("commissions:contest", args=[contest.pk]))
    assert page.status_code == 200 and page.context["unconverted"] == [
        {"currency": "CHF", "records": 1, "amount": D("90000.00")}
    ]
    assert b'data-testid="contest-unconverted"' in page.content
    with pytest.raises(Conflict) as refused:
        services.resolve_contest(contest_id=contest.pk, today=date(2026, 10, 1))
    assert refused.value.code == "contest_waits_for_rates"
    assert DomainEvent.objects.filter(name="fx.rate_missing", payload__currency="CHF").exists()
    contest.refresh_from_db()
    assert contest.status == "open"
    ExchangeRate.objects.create(currency="CHF", rate=D("1.10"), effective_from=date(2026, 7, 1))
    services.resolve_contest(contest_id=contest.pk, today=date(2026, 10, 1))
    contest.refresh_from_db()
    assert contest.status == "resolved"
    assert set(contest.winners.values_list("partner_id", flat=True)) == {winner.pk, other.pk}  # 2 deals each
