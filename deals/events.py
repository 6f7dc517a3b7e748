"""Deal events and who hears about them. Partner-facing notices never name another partner."""

from functools import partial

from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.audiences import any_of, channel_manager, partner_admins_and, partner_users, payload_user
from deals.services import end_protection_of_partner
from prm.events import on_event, register_event_type
from prm.notifications import NoticeKind, either, link, notices, optional, payload_money, payload_text

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
register_event_type(
    "lead.routed", category="deals", description="A routing rule offered a lead to a partner (one hop)."
)
register_event_type(
    "routing.rule_changed", category="deals", description="A program admin saved or activated a lead routing rule."
)
register_event_type(
    "lead.reclaimed",
    category="deals",
    description="A routed lead lapsed or was declined and was taken back (offered to the next partner or the manager).",
)


partner_people = partner_admins_and("registered_by_id")  # the partner's admins and who registered the deal
lead_creator = payload_user("created_by_id")

deal_url = link("deals:detail", "deal_id")
review_url = link("deals:review")
leads_url = link("deals:leads")


def _not_rejected(event) -> bool:
    return event.payload.get("status") != "rejected"


def _pending_review(event) -> bool:
    return event.payload.get("status") == "pending_review"


def _approved(event) -> bool:
    return event.payload["approved"]


# Placeholders of the deal notices and the payload keys they read.
DEAL = {"customer": "customer_name", "date": "protected_until", "days": "days_before"}
PROTECTED_UNTIL = gettext_lazy("Protected until %(date)s.")
deal_notice = partial(NoticeKind, values=DEAL)

notices.register(
    deal_notice(
        event="deal.submitted",
        when=_not_rejected,
        audience=channel_manager,
        title=either(
            _pending_review,
            gettext_lazy("Review needed: %(customer)s"),
            gettext_lazy("New registration: %(customer)s"),
        ),
        body=gettext_lazy("%(partner)s registered %(customer)s."),
        values={**DEAL, "partner": optional("partner_name")},
        url=review_url,
    ),
    deal_notice(
        event="deal.approved",
        audience=partner_people,
        title=gettext_lazy("Deal approved: %(customer)s"),
        body=PROTECTED_UNTIL,
        values={**DEAL, "date": optional("protected_until", None)},
        url=deal_url,
    ),
    deal_notice(
        event="deal.rejected",
        audience=partner_people,
        title=gettext_lazy("Registration not accepted: %(customer)s"),
        body=payload_text("message"),
        url=deal_url,
    ),
    deal_notice(
        event="deal.won",
        audience=any_of(partner_people, channel_manager),
        title=gettext_lazy("Deal won: %(customer)s (%(amount)s)"),
        values={**DEAL, "amount": payload_money("amount")},
        url=deal_url,
    ),
    deal_notice(
        event="deal.lost",
        audience=channel_manager,
        title=gettext_lazy("Deal lost: %(customer)s"),
        body=payload_text("reason"),
        url=deal_url,
    ),
    deal_notice(
        event="deal.expired",
        audience=any_of(partner_people, channel_manager),
        title=gettext_lazy("Deal protection ended: %(customer)s"),
        url=deal_url,
    ),
    deal_notice(
        event="deal.expiry_reminder",
        audience=partner_people,
        title=ngettext_lazy(
            "Protection of %(customer)s ends in %(days)s day",
            "Protection of %(customer)s ends in %(days)s days",
            "days",
        ),
        body=gettext_lazy("Protected until %(date)s. Mark it won, or ask for the one extension."),
        url=deal_url,
    ),
    deal_notice(
        event="deal.extension_requested",
        audience=channel_manager,
        title=gettext_lazy("Extension requested: %(customer)s"),
        url=review_url,
    ),
    deal_notice(
        event="deal.extension_decided",
        audience=partner_people,
        title=either(
            _approved,
            gettext_lazy("Extension approved: %(customer)s"),
            gettext_lazy("Extension declined: %(customer)s"),
        ),
        body=PROTECTED_UNTIL,
        url=deal_url,
    ),
    deal_notice(
        event="lead.assigned",
        audience=partner_users,
        title=gettext_lazy("New lead: %(customer)s"),
        body=gettext_lazy("Accept it by %(date)s or it returns to your channel manager."),
        values={**DEAL, "date": "accept_by"},
        url=leads_url,
    ),
    deal_notice(
        event="lead.declined",
        audience=lead_creator,
        title=gettext_lazy("Lead declined: %(customer)s"),
        body=payload_text("reason"),
        url=leads_url,
    ),
    deal_notice(
        event="lead.reclaimed",
        audience=partner_users,
        title=gettext_lazy("Lead reclaimed: %(customer)s"),
        body=gettext_lazy("It was not accepted in time or was declined, so it was offered to another partner."),
        url=leads_url,
    ),
    deal_notice(
        event="lead.returned",
        audience=any_of(lead_creator, channel_manager),
        title=gettext_lazy("Lead returned: %(customer)s"),
        body=gettext_lazy("The partner did not accept it in time; assign it again."),
        url=leads_url,
    ),
)


@on_event("partner.status_changed")
def end_protection_of_terminated_partner(event):
    """A terminated partner's registrations stop protecting customers (docs/partner-status.md)."""
    if event.payload.get("to_status") == "terminated" and event.partner_id:
        end_protection_of_partner(partner_id=event.partner_id, reason=event.payload.get("reason", ""))
