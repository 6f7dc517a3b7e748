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


register_event_type(
    "application.submitted", category="partners", description="Someone applied to join the partner program."
)
register_event_type(
    "application.approved", category="partners", description="An application was approved and its partner created."
)
register_event_type(
    "application.rejected", category="partners", description="An application was rejected.", public=False
)
register_event_type(
    "partner.tier_at_risk",
    category="partners",
    description="A tier review found a partner short of its tier's requirements.",
)
register_event_type(
    "partner.onboarding_progressed",
    category="partners",
    description="A partner completed an onboarding step.",
    public=False,
)
register_event_type(
    "partner.onboarding_stalled",
    category="partners",
    description="A partner's onboarding has had no progress for 14 days.",
    public=False,
)


def _recruiters():
    return User.objects.filter(role__in=[Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN], is_active=True)


@notice_for("application.submitted")
def _application_submitted(event):
    payload = event.payload
    flag = " (same domain as an earlier application or partner)" if payload.get("duplicate") else ""
    return [
        Notice(
            users=_recruiters(),
            title=f"New partner application: {payload['company_name']}",
            body=f"{payload.get('website_domain', '')}{flag}",
            url=reverse("partners_public:application", args=[payload["application_id"]]),
        )
    ]


@notice_for("partner.tier_at_risk")
def _tier_at_risk(event):
    if event.partner_id is None:
        return []
    payload = event.payload
    url = reverse("partners:detail", args=[event.partner_id])
    body = (
        f"The {payload['period']} tier review found you short of the {payload['tier']} requirements. "
        "If you are still short at the next review, your tier moves down. See what you need on your profile."
    )
    admins = User.objects.filter(partner_id=event.partner_id, is_active=True, role=Role.PARTNER_ADMIN)
    managers = User.objects.filter(pk=payload.get("channel_manager_id"), is_active=True)
    return [
        Notice(users=admins, title=f"Your {payload['tier']} tier is at risk", body=body, url=url),
        Notice(users=managers, title=f"{payload['partner_name']} is at risk of losing {payload['tier']}", url=url),
    ]


@notice_for("partner.onboarding_stalled")
def _onboarding_stalled(event):
    if event.partner_id is None:
        return []
    payload = event.payload
    url = reverse("partners:detail", args=[event.partner_id])
    admins = User.objects.filter(partner_id=event.partner_id, is_active=True, role=Role.PARTNER_ADMIN)
    managers = User.objects.filter(pk=payload.get("channel_manager_id"), is_active=True)
    body = f"Onboarding is {payload['progress']} % done; the next steps are on your company profile."
    return [
        Notice(users=admins, title="Your onboarding is waiting for its next step", body=body, url=url),
        Notice(users=managers, title=f"{payload['partner_name']}: onboarding stalled for 14 days", body=body, url=url),
    ]
