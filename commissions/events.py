"""Commission events, the deal and rate subscribers that write the ledger, and who hears about payouts."""

from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.audiences import partner_admins
from commissions import services
from prm.events import on_event, register_event_type
from prm.inputs import parse_iso_date
from prm.notifications import NoticeKind, link, notices, payload_money

register_event_type(
    "commission.payout.paid",
    category="commissions",
    description="A payout batch was paid (batch, partner, total, currency, payment reference).",
)


@on_event("deal.won")
def earn_commissions(event) -> None:
    """One entry per applicable rule and spiff; runs once per event, and the unique constraints make a
    replayed or late event add nothing. A deal reopened since the event earns nothing (it is not won)."""
    services.record_won_deal(deal_id=event.payload["deal_id"])


@on_event("deal.reopened")
def claw_back_commissions(event) -> None:
    services.claw_back_deal(deal_id=event.payload["deal_id"], reason=event.payload.get("reason") or "", actor=None)


@on_event("fx.rate_changed")
def decide_spiffs_waiting_for_rate(event) -> None:
    """Won deals a spiff could not decide without this rate are decided now (docs/fx.md: Incentives)."""
    services.reconsider_spiffs(
        currency=event.payload["currency"], since=parse_iso_date(event.payload["effective_from"])
    )


notices.register(
    NoticeKind(
        event="commission.payout.paid",
        audience=partner_admins,
        title=gettext_lazy("Commission payout paid: %(total)s"),
        body=ngettext_lazy(
            "%(count)s entry, reference %(reference)s.",
            "%(count)s entries, reference %(reference)s.",
            "number",
        ),
        values={
            "total": payload_money("total"),
            "count": "entries",
            "number": lambda event: int(event.payload["entries"] or 0),
            "reference": "payment_reference",
        },
        url=link("commissions:earnings"),
    )
)
