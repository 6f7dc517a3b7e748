"""Account events and who hears about them."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from prm.events import register_event_type
from prm.notifications import Notice, notice_for

register_event_type(
    "user.joined", category="account", description="An invited person set a password and joined.", public=False
)
register_event_type(
    "user.api_tokens_revoked",
    category="account",
    description="A user's password changed, which revoked their API tokens.",
    public=False,
)


@notice_for("user.joined")
def _user_joined(event):
    inviter = User.objects.filter(pk=event.payload.get("invited_by"), is_active=True).first()
    if inviter is None:
        return []
    url = reverse("partners:detail", args=[event.partner_id]) if event.partner_id else ""
    return [Notice(users=[inviter], title=f"{event.payload['email']} accepted your invitation", url=url)]


@notice_for("user.api_tokens_revoked")
def _api_tokens_revoked(event):
    user = User.objects.filter(pk=event.payload.get("user_id"), is_active=True).first()
    if user is None:
        return []
    count = event.payload.get("count", 0)
    title = ngettext(
        "Your password changed: %(count)s API token was revoked",
        "Your password changed: %(count)s API tokens were revoked",
        count,
    ) % {"count": count}
    body = _(
        "Integrations that used them get 401 from now on. Create new tokens for the ones you still need. "
        "If you did not change your password, contact your program administrator."
    )
    return [Notice(users=[user], title=title, body=body, url=reverse("accounts:tokens"))]
