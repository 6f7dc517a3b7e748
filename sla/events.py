"""The breach event and its notice: the program admins and the partner's channel manager hear of it once."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, User
from prm.events import register_event_type
from prm.notifications import Notice, notice_for

# NotificationCategory has no "sla" value (prm/models.py); a breach is an alert to the program's people.
register_event_type(
    "sla.breached",
    category="analytics",
    description="An item waiting on the vendor passed its SLA and was escalated.",
    public=False,
)


@notice_for("sla.breached")
def _breached(event):
    payload = event.payload
    manager_id = event.partner.channel_manager_id if event.partner_id else None
    users = User.objects.filter(Q(role=Role.PROGRAM_ADMIN) | Q(pk=manager_id), is_active=True).order_by("pk")
    title = _("SLA breached: %(title)s") % {"title": payload.get("title", "")}
    body = _(
        "%(partner)s has waited %(waited)s business days (SLA %(sla)s) for a decision on %(title)s, due %(due)s."
    ) % {
        "partner": payload.get("partner_name", ""),
        "waited": payload.get("waited_days", ""),
        "sla": payload.get("sla_days", ""),
        "title": payload.get("title", ""),
        "due": payload.get("due_at", "")[:16].replace("T", " "),
    }
    return [Notice(users=users, title=title[:200], body=body, url=payload.get("url") or reverse("sla:items"))]
