"""Analytics events and who hears about them: a partner breaching an alert threshold (analytics/alerts.py)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.audiences import channel_manager, program_admins
from prm.events import register_event_type
from prm.notifications import NoticeKind, notices, optional, payload_text

register_event_type(
    "analytics.alert_opened",
    category="analytics",
    description="A partner breached an alert threshold (no deals, expiring certifications, ...).",
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
