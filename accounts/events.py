"""Account events and who hears about them."""

from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.audiences import payload_user
from prm.events import register_event_type
from prm.notifications import NoticeKind, link, notices, optional

register_event_type(
    "user.joined", category="account", description="An invited person set a password and joined.", public=False
)
register_event_type(
    "user.api_tokens_revoked",
    category="account",
    description="A user's password changed, which revoked their API tokens.",
    public=False,
)


notices.register(
    NoticeKind(
        event="user.joined",
        audience=payload_user("invited_by"),
        title=gettext_lazy("%(email)s accepted your invitation"),
        url=link("partners:detail", lambda event: event.partner_id, optional=True),
    ),
    NoticeKind(
        event="user.api_tokens_revoked",
        audience=payload_user("user_id"),
        title=ngettext_lazy(
            "Your password changed: %(count)s API token was revoked",
            "Your password changed: %(count)s API tokens were revoked",
            "count",
        ),
        body=gettext_lazy(
            "Integrations that used them get 401 from now on. Create new tokens for the ones you still need. "
            "If you did not change your password, contact your program administrator."
        ),
        values={"count": optional("count", 0)},
        url=link("accounts:tokens"),
    ),
)
