"""Event types of the rules-of-engagement policy (docs/policy.md)."""

from django.urls import reverse

from accounts.models import Role, User
from prm.events import register_event_type
from prm.notifications import Notice, notice_for

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


@notice_for("policy.published")
def _published(event):
    from django.utils.translation import gettext as _

    payload = event.payload
    staff = User.objects.filter(role__in=[Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN], is_active=True)
    return [
        Notice(
            users=staff,
            title=_("Rules of engagement v%(version)s published") % {"version": payload["version"]},
            body=_("In force from %(when)s.") % {"when": payload["effective_from"]},
            url=reverse("policy:detail", args=[payload["policy_id"]]),
        )
    ]
