"""Dispute events and who hears about them. A partner's notice never names another partner."""

from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from accounts.audiences import channel_manager, partner_admins_and, program_admins
from prm.events import register_event_type
from prm.notifications import NoticeKind, either, link, notices, optional, payload_text

register_event_type(
    "dispute.opened", category="deals", description="A partner disputed a rejected-conflict decision.", public=False
)
register_event_type("dispute.decided", category="deals", description="A dispute was upheld or reversed.", public=False)


def _when(value) -> str:
    moment = parse_datetime(value or "")
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment - timedelta(microseconds=1)).date(), "DATE_FORMAT")


def deciders(event):
    """The partner's channel manager; the program admins when the partner has none."""
    if event.payload.get("channel_manager_id"):
        return channel_manager(event)
    return program_admins(event)


def _reversed(event) -> bool:
    return event.payload["status"] == "reversed"


dispute_url = link("disputes:detail", "dispute_id")

notices.register(
    NoticeKind(
        event="dispute.opened",
        audience=deciders,
        title=gettext_lazy("Dispute to decide: %(customer)s"),
        body=gettext_lazy("%(partner)s disputes the rejection of its registration; decide by %(due)s."),
        values={
            "customer": "customer_name",
            "partner": optional("partner_name"),
            "due": lambda event: _when(event.payload.get("due_at")),
        },
        url=dispute_url,
    ),
    NoticeKind(
        event="dispute.decided",
        audience=partner_admins_and("opened_by_id"),
        title=either(
            _reversed,
            gettext_lazy("Dispute accepted: %(customer)s is now protected for you"),
            gettext_lazy("Dispute not accepted: %(customer)s"),
        ),
        body=payload_text("decision_note"),
        values={"customer": "customer_name"},
        url=dispute_url,
    ),
)
