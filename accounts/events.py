"""Account events and who hears about them."""

from django.urls import reverse

from accounts.models import User
from prm.events import register_event_type
from prm.notifications import Notice, notice_for

register_event_type(
    "user.joined", category="account", description="An invited person set a password and joined.", public=False
)


@notice_for("user.joined")
def _user_joined(event):
    inviter = User.objects.filter(pk=event.payload.get("invited_by"), is_active=True).first()
    if inviter is None:
        return []
    url = reverse("partners:detail", args=[event.partner_id]) if event.partner_id else ""
    return [Notice(users=[inviter], title=f"{event.payload['email']} accepted your invitation", url=url)]
