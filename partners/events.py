"""Partner events and who hears about them."""

from django.urls import reverse

from accounts.models import Role, User
from prm.events import register_event_type
from prm.notifications import Notice, notice_for

register_event_type("partner.created", category="partners", description="A partner organisation was created.")
register_event_type("partner.tier_changed", category="partners", description="A partner moved to another tier.")


@notice_for("partner.tier_changed")
def _tier_changed(event):
    if event.partner_id is None:  # the partner was deleted since: nobody to tell, nothing to link to
        return []
    payload = event.payload
    partner_users = User.objects.filter(partner_id=event.partner_id, is_active=True, role=Role.PARTNER_ADMIN)
    managers = User.objects.filter(pk=payload.get("channel_manager_id"), is_active=True)
    url = reverse("partners:detail", args=[event.partner_id])
    verb = "promoted to" if payload.get("kind") == "promotion" else "moved to"
    body = payload.get("reason", "")
    return [
        Notice(users=partner_users, title=f"Your organisation was {verb} {payload['to_tier']}", body=body, url=url),
        Notice(users=managers, title=f"{payload['partner_name']} {verb} {payload['to_tier']}", body=body, url=url),
    ]
