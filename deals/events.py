"""Deal events and who hears about them. Partner-facing notices never name another partner."""

from django.urls import reverse

from accounts.models import Role, User
from prm.events import register_event_type
from prm.notifications import Notice, notice_for

register_event_type("deal.submitted", category="deals", description="A partner registered a deal.")
register_event_type("deal.approved", category="deals", description="A deal registration was approved.")
register_event_type("deal.rejected", category="deals", description="A deal registration was rejected.")
register_event_type("deal.won", category="deals", description="A deal was won (amount, currency, close date).")
register_event_type("deal.lost", category="deals", description="A deal was lost.")
register_event_type("deal.expired", category="deals", description="A deal's protection ended before it was won.")
register_event_type(
    "deal.reopened", category="deals", description="A won deal went back to approved: reverse what it earned."
)
register_event_type(
    "deal.extension_requested", category="deals", description="A partner asked to extend a deal's protection."
)
register_event_type("deal.extension_decided", category="deals", description="A protection extension was decided.")
register_event_type("deal.expiry_reminder", category="deals", description="A deal's protection ends soon.")
register_event_type("deal.influence_recorded", category="deals", description="A partner influenced a deal.")
register_event_type("lead.assigned", category="deals", description="A lead was passed to a partner.")
register_event_type("lead.accepted", category="deals", description="A partner accepted a lead.")
register_event_type("lead.declined", category="deals", description="A partner declined a lead.")
register_event_type("lead.returned", category="deals", description="A lead was not accepted in time and came back.")


def partner_people(partner_id, *extra_ids):
    """The partner's admins and the users named (e.g. who registered the deal)."""
    if partner_id is None:
        return User.objects.none()
    return User.objects.filter(partner_id=partner_id, is_active=True).filter(
        role=Role.PARTNER_ADMIN
    ) | User.objects.filter(partner_id=partner_id, is_active=True, pk__in=[i for i in extra_ids if i])


def managers(payload):
    return User.objects.filter(pk=payload.get("channel_manager_id"), is_active=True)


def _deal_url(payload):
    return reverse("deals:detail", args=[payload["deal_id"]])


@notice_for("deal.submitted")
def _submitted(event):
    payload = event.payload
    if payload.get("status") == "rejected":
        return []
    review = payload.get("status") == "pending_review"
    return [
        Notice(
            users=managers(payload),
            title=f"{'Review needed' if review else 'New registration'}: {payload['customer_name']}",
            body=f"{payload.get('partner_name', '')} registered {payload['customer_name']}.",
            url=reverse("deals:review"),
        )
    ]


@notice_for("deal.approved")
def _approved(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")),
            title=f"Deal approved: {p['customer_name']}",
            body=f"Protected until {p.get('protected_until')}.",
            url=_deal_url(p),
        )
    ]


@notice_for("deal.rejected")
def _rejected(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")),
            title=f"Registration not accepted: {p['customer_name']}",
            body=p.get("message", ""),
            url=_deal_url(p),
        )
    ]


@notice_for("deal.won")
def _won(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")) | managers(p),
            title=f"Deal won: {p['customer_name']} ({p['amount']} {p['currency']})",
            url=_deal_url(p),
        )
    ]


@notice_for("deal.lost")
def _lost(event):
    p = event.payload
    return [
        Notice(users=managers(p), title=f"Deal lost: {p['customer_name']}", body=p.get("reason", ""), url=_deal_url(p))
    ]


@notice_for("deal.expired")
def _expired(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")) | managers(p),
            title=f"Deal protection ended: {p['customer_name']}",
            url=_deal_url(p),
        )
    ]


@notice_for("deal.expiry_reminder")
def _reminder(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")),
            title=f"Protection of {p['customer_name']} ends in {p['days_before']} days",
            body=f"Protected until {p['protected_until']}. Mark it won, or ask for the one extension.",
            url=_deal_url(p),
        )
    ]


@notice_for("deal.extension_requested")
def _extension_requested(event):
    p = event.payload
    return [Notice(users=managers(p), title=f"Extension requested: {p['customer_name']}", url=reverse("deals:review"))]


@notice_for("deal.extension_decided")
def _extension_decided(event):
    p = event.payload
    verb = "approved" if p["approved"] else "declined"
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")),
            title=f"Extension {verb}: {p['customer_name']}",
            body=f"Protected until {p['protected_until']}.",
            url=_deal_url(p),
        )
    ]


@notice_for("lead.assigned")
def _lead_assigned(event):
    p = event.payload
    users = User.objects.filter(partner_id=event.partner_id, is_active=True)
    return [
        Notice(
            users=users,
            title=f"New lead: {p['customer_name']}",
            body=f"Accept it by {p['accept_by']} or it returns to your channel manager.",
            url=reverse("deals:leads"),
        )
    ]


@notice_for("lead.declined")
def _lead_declined(event):
    p = event.payload
    return [
        Notice(
            users=User.objects.filter(pk=p.get("created_by_id"), is_active=True),
            title=f"Lead declined: {p['customer_name']}",
            body=p.get("reason", ""),
            url=reverse("deals:leads"),
        )
    ]


@notice_for("lead.returned")
def _lead_returned(event):
    p = event.payload
    return [
        Notice(
            users=User.objects.filter(pk=p.get("created_by_id"), is_active=True),
            title=f"Lead returned: {p['customer_name']}",
            body="The partner did not accept it in time; assign it again.",
            url=reverse("deals:leads"),
        )
    ]
