"""The breach event and its notice: the program admins and the partner's channel manager hear of it once."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.audiences import any_of, channel_manager_of_partner, program_admins
from prm.events import register_event_type
from prm.notifications import NoticeKind, notices, optional

# NotificationCategory has no "sla" value (prm/models.py); a breach is an alert to the program's people.
register_event_type(
    "sla.breached",
    category="analytics",
    description="An item waiting on the vendor passed its SLA and was escalated.",
    public=False,
)


def _program_admins_and_manager(event):
    return any_of(program_admins, channel_manager_of_partner)(event).order_by("pk")


notices.register(
    NoticeKind(
        event="sla.breached",
        audience=_program_admins_and_manager,
        title=gettext_lazy("SLA breached: %(title)s"),
        body=gettext_lazy(
            "%(partner)s has waited %(waited)s business days (SLA %(sla)s) for a decision on %(title)s, due %(due)s."
        ),
        values={
            "title": optional("title"),
            "partner": optional("partner_name"),
            "waited": optional("waited_days"),
            "sla": optional("sla_days"),
            "due": lambda event: event.payload.get("due_at", "")[:16].replace("T", " "),
        },
        url=lambda event: event.payload.get("url") or reverse("sla:items"),
    )
)
