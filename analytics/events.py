"""Analytics events and who hears about them: a partner breaching an alert threshold (analytics/alerts.py),
and a partner becoming at risk (analytics/at_risk.py: its admins and its channel manager, once per episode)."""

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from accounts.audiences import channel_manager, partner_admins, program_admins
from analytics.models import AlertKind, rule_label
from prm import formatting
from prm.events import register_event_type
from prm.notifications import NoticeKind, link, notices, optional, payload_text

register_event_type(
    "analytics.alert_opened",
    category="analytics",
    description="A partner breached an alert threshold (no deals, expiring certifications, ...).",
    public=False,
)
register_event_type(
    "analytics.partner_at_risk",
    category="analytics",
    description="A partner became at risk: its first open alert since it was last clear.",
    public=False,
)


def manager_or_program_admins(event):
    """The partner's channel manager (when the alert opened), or the program admins when it has none."""
    manager = channel_manager(event)
    return manager if manager.exists() else program_admins(event)


def _at_risk_url(event) -> str:
    """The at-risk list across every book, searched for the partner."""
    return (
        reverse("analytics:at_risk")
        + "?"
        + urlencode({"book": "all", "q": (event.payload or {}).get("partner_name", "")})
    )


notices.register(
    NoticeKind(
        event="analytics.alert_opened",
        audience=manager_or_program_admins,
        title=gettext_lazy("Partner at risk: %(partner)s"),
        body=payload_text("detail"),
        values={"partner": optional("partner_name")},
        url=_at_risk_url,
    ),
)


def at_risk_body(event) -> str:
    """What is below the program's thresholds (each rule with its threshold) and by when to act, in the
    reader's language."""
    payload = event.payload or {}
    rows = [row for row in payload.get("alerts", []) if row["kind"] in AlertKind.values]
    below = "; ".join(rule_label(row["kind"], row["threshold"]) for row in rows)
    return gettext("Below the program's thresholds: %(below)s. Act by %(day)s to be back on track.") % {
        "below": below,
        "day": formatting.day(date.fromisoformat(payload["act_by"])),
    }


def _has_partner(event) -> bool:
    return event.partner_id is not None


notices.register(
    NoticeKind(
        event="analytics.partner_at_risk",
        audience=partner_admins,
        title=gettext_lazy("Your organisation is at risk"),
        body=at_risk_body,
        url=link("partners:detail", lambda event: event.partner_id),
        when=_has_partner,
    ),
    NoticeKind(
        event="analytics.partner_at_risk",
        audience=channel_manager,
        title=gettext_lazy("%(partner)s is at risk"),
        body=at_risk_body,
        values={"partner": optional("partner_name")},
        url=_at_risk_url,
        when=_has_partner,
    ),
)
