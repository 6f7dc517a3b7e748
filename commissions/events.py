"""Commission events, the deal and rate subscribers that write the ledger, and who hears about payouts."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from commissions import services
from prm.events import on_event, register_event_type
from prm.inputs import parse_iso_date
from prm.notifications import Notice, notice_for

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


@notice_for("commission.payout.paid")
def _payout_paid(event):
    p = event.payload
    admins = User.objects.filter(partner_id=event.partner_id, role=Role.PARTNER_ADMIN, is_active=True)
    return [
        Notice(
            users=admins,
            title=_("Commission payout paid: %(total)s %(currency)s")
            % {"total": p["total"], "currency": p["currency"]},
            body=ngettext(
                "%(count)s entry, reference %(reference)s.",
                "%(count)s entries, reference %(reference)s.",
                int(p["entries"] or 0),
            )
            % {"count": p["entries"], "reference": p["payment_reference"]},
            url=reverse("commissions:earnings"),
        )
    ]
