"""Webhook fan-out of public events, and the notice sent when a failing webhook is paused."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from integrations import services
from prm.events import on_event, register_event_type
from prm.notifications import Notice, notice_for

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


@notice_for("webhook.paused")
def _webhook_paused(event):
    payload = event.payload
    admins = User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True)
    url = reverse("integrations:webhook_detail", args=[payload["subscription_id"]])
    return [
        Notice(
            users=admins,
            title=(_("Webhook paused: %(url)s") % {"url": payload["url"]})[:200],
            body=_(
                "It kept failing since %(since)s (last error: %(error)s). "
                "Fix the receiver, resume the webhook and redeliver what it missed."
            )
            % {"since": payload["failing_since"], "error": payload.get("last_error") or _("none")},
            url=url,
        )
    ]
