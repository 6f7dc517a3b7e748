"""Deal events and who hears about them. Partner-facing notices never name another partner."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from prm.events import on_event, register_event_type
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
            title=(_("Review needed: %(customer)s") if review else _("New registration: %(customer)s"))
            % {"customer": payload["customer_name"]},
            body=_("%(partner)s registered %(customer)s.")
            % {"partner": payload.get("partner_name", ""), "customer": payload["customer_name"]},
            url=reverse("deals:review"),
        )
    ]


@notice_for("deal.approved")
def _approved(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")),
            title=_("Deal approved: %(customer)s") % {"customer": p["customer_name"]},
            body=_("Protected until %(date)s.") % {"date": p.get("protected_until")},
            url=_deal_url(p),
        )
    ]


@notice_for("deal.rejected")
def _rejected(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")),
            title=_("Registration not accepted: %(customer)s") % {"customer": p["customer_name"]},
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
            title=_("Deal won: %(customer)s (%(amount)s %(currency)s)")
            % {"customer": p["customer_name"], "amount": p["amount"], "currency": p["currency"]},
            url=_deal_url(p),
        )
    ]


@notice_for("deal.lost")
def _lost(event):
    p = event.payload
    return [
        Notice(
            users=managers(p),
            title=_("Deal lost: %(customer)s") % {"customer": p["customer_name"]},
            body=p.get("reason", ""),
            url=_deal_url(p),
        )
    ]


@notice_for("deal.expired")
def _expired(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")) | managers(p),
            title=_("Deal protection ended: %(customer)s") % {"customer": p["customer_name"]},
            url=_deal_url(p),
        )
    ]


@notice_for("deal.expiry_reminder")
def _reminder(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")),
            title=ngettext(
                "Protection of %(customer)s ends in %(days)s day",
                "Protection of %(customer)s ends in %(days)s days",
                p["days_before"],
            )
            % {"customer": p["customer_name"], "days": p["days_before"]},
            body=_("Protected until %(date)s. Mark it won, or ask for the one extension.")
            % {"date": p["protected_until"]},
            url=_deal_url(p),
        )
    ]


@notice_for("deal.extension_requested")
def _extension_requested(event):
    p = event.payload
    return [
        Notice(
            users=managers(p),
            title=_("Extension requested: %(customer)s") % {"customer": p["customer_name"]},
            url=reverse("deals:review"),
        )
    ]


@notice_for("deal.extension_decided")
def _extension_decided(event):
    p = event.payload
    return [
        Notice(
            users=partner_people(event.partner_id, p.get("registered_by_id")),
            title=(_("Extension approved: %(customer)s") if p["approved"] else _("Extension declined: %(customer)s"))
            % {"customer": p["customer_name"]},
            body=_("Protected until %(date)s.") % {"date": p["protected_until"]},
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
            title=_("New lead: %(customer)s") % {"customer": p["customer_name"]},
            body=_("Accept it by %(date)s or it returns to your channel manager.") % {"date": p["accept_by"]},
            url=reverse("deals:leads"),
        )
    ]


@notice_for("lead.declined")
def _lead_declined(event):
    p = event.payload
    return [
        Notice(
            users=User.objects.filter(pk=p.get("created_by_id"), is_active=True),
            title=_("Lead declined: %(customer)s") % {"customer": p["customer_name"]},
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
            title=_("Lead returned: %(customer)s") % {"customer": p["customer_name"]},
            body=_("The partner did not accept it in time; assign it again."),
            url=reverse("deals:leads"),
        )
    ]


@on_event("partner.status_changed")
def end_protection_of_terminated_partner(event):
    """A terminated partner's registrations stop protecting customers (docs/partner-status.md)."""
    if event.payload.get("to_status") == "terminated" and event.partner_id:
        from deals.services import end_protection_of_partner

        end_protection_of_partner(partner_id=event.partner_id, reason=event.payload.get("reason", ""))
