"""Event types of the rules-of-engagement policy (docs/policy.md) and who hears about them."""

from django.utils.translation import gettext_lazy

from accounts.audiences import recruiters
from prm.events import register_event_type
from prm.notifications import NoticeKind, link, notices

register_event_type(
    "policy.published",
    category="deals",
    description="A new version of the rules of engagement was published with an effective date.",
    public=False,
)
register_event_type(
    "policy.simulation_finished",
    category="deals",
    description="A simulation of a draft rules-of-engagement version finished.",
    public=False,
)


notices.register(
    NoticeKind(
        event="policy.published",
        audience=recruiters,  # the channel managers and program admins
        title=gettext_lazy("Rules of engagement v%(version)s published"),
        body=gettext_lazy("In force from %(when)s."),
        values={"when": "effective_from"},
        url=link("policy:detail", "policy_id"),
    )
)
