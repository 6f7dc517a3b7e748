"""Dispute events and who hears about them. A partner's notice never names another partner."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from prm.events import register_event_type
from prm.notifications import Notice, notice_for

register_event_type(
    "dispute.opened", category="deals", description="A partner disputed a rejected-conflict decision.", public=False
)
register_event_type("dispute.decided", category="deals", description="A dispute was upheld or reversed.", public=False)


def _when(value) -> str:
    moment = parse_datetime(value or "")
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment - timedelta(microseconds=1)).date(), "DATE_FORMAT")


def deciders(payload):
    """The partner's channel manager; the program admins when the partner has none."""
    if payload.get("channel_manager_id"):
        return User.objects.filter(pk=payload["channel_manager_id"], is_active=True)
    return User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True)


def partner_people(partner_id, *extra_ids):
    if partner_id is None:
        return User.objects.none()
    return User.objects.filter(partner_id=partner_id, is_active=True, role=Role.PARTNER_ADMIN) | User.objects.filter(
        partner_id=partner_id, is_active=True, pk__in=[i for i in extra_ids if i]
    )


@notice_for("dispute.opened")
def _opened(event):
    p = event.payload
    return [
        Notice(
            users=deciders(p),
            title=_("Dispute to decide: %(customer)s") % {"customer": p["customer_name"]},
            body=_("%(partner)s disputes the rejection of its registration; decide by %(due)s.")
            % {"partner": p.get("partner_name", ""), "due": _when(p.get("due_at"))},
            url=reverse("disputes:detail", args=[p["dispute_id"]]),
        )
    ]


@notice_for("dispute.decided")
def _decided(event):
    p = event.payload
    if p["status"] == "reversed":
        title = _("Dispute accepted: %(customer)s is now protected for you") % {"customer": p["customer_name"]}
    else:
        title = _("Dispute not accepted: %(customer)s") % {"customer": p["customer_name"]}
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("opened_by_id")),
            title=title,
            body=p.get("decision_note", ""),
            url=reverse("disputes:detail", args=[p["dispute_id"]]),
        )
    ]
