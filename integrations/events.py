"""Webhook fan-out of public events, and the notice sent when a failing webhook is paused."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audiences import program_admins
from integrations import services
from prm.events import on_event, register_event_type
from prm.notifications import NoticeKind, link, notices

# NotificationCategory has no "integrations" value (prm/models.py); a paused webhook is about the program's
# access and integrations, filed with account notices.
register_event_type(
    "webhook.paused",
    category="account",
    description=gettext_lazy("A webhook kept failing and was paused."),
    public=False,
)


@on_event("*")
def fan_out_webhooks(event) -> None:
    """Runs once per event after commit (prm.events.dispatch); creates the deliveries and queues them."""
    services.fan_out_event(event=event)


notices.register(
    NoticeKind(
        event="webhook.paused",
        audience=program_admins,
        title=gettext_lazy("Webhook paused: %(url)s"),
        body=gettext_lazy(
            "It kept failing since %(since)s (last error: %(error)s). "
            "Fix the receiver, resume the webhook and redeliver what it missed."
        ),
        values={"since": "failing_since", "error": lambda event: event.payload.get("last_error") or _("none")},
        url=link("integrations:webhook_detail", "subscription_id"),
    )
)
