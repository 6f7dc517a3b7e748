"""MDF events, who hears about them, and the subscribers to deal events (accrual and its reversal)."""

from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import PartnerFunction, Role, User
from mdf import services
from prm.events import on_event, register_event_type
from prm.notifications import Notice, notice_for

register_event_type(
    "mdf.request.approved", category="mdf", description="An MDF request was approved (funds committed)."
)
register_event_type("mdf.claim.approved", category="mdf", description="An MDF claim was approved by finance.")
register_event_type("mdf.request.submitted", category="mdf", description="A partner asked for MDF.", public=False)
register_event_type("mdf.request.rejected", category="mdf", description="An MDF request was rejected.", public=False)
register_event_type("mdf.claim.submitted", category="mdf", description="A partner filed an MDF claim.", public=False)
register_event_type("mdf.claim.rejected", category="mdf", description="An MDF claim was rejected.", public=False)
register_event_type(
    "mdf.claim.info_requested", category="mdf", description="Finance asked for more on a claim.", public=False
)
register_event_type("mdf.claim.paid", category="mdf", description="An MDF claim was paid.", public=False)
register_event_type("mdf.funds.allocated", category="mdf", description="Discretionary MDF was allocated.", public=False)
register_event_type("mdf.fund.expiring", category="mdf", description="Unspent MDF expires soon.", public=False)
register_event_type(
    "mdf.accrual.shortfall",
    category="mdf",
    description="A reopened deal's accrual was partly committed or spent: the fund is owed a recovery.",
    public=False,
)


@on_event("deal.won")
def accrue_mdf(event):
    services.accrue_for_won_deal(event=event)


@on_event("deal.reopened")
def reverse_mdf_accrual(event):
    services.reverse_deal_accrual(event=event)


def marketing_people(partner_id):
    """The partner's admins and marketing users: the people who always may request and claim MDF (the rule:
    mdf.services.requester_refusal), told about its MDF decisions."""
    return User.objects.filter(partner_id=partner_id, is_active=True, role=Role.PARTNER_ADMIN) | User.objects.filter(
        partner_id=partner_id, is_active=True, role=Role.PARTNER_USER, partner_function=PartnerFunction.MARKETING
    )


def finance_people():
    return User.objects.filter(role=Role.FINANCE, is_active=True)


def channel_manager_of(partner):
    return User.objects.filter(pk=partner.channel_manager_id, is_active=True) if partner else User.objects.none()


def _request_url(payload):
    return reverse("mdf:request_detail", args=[payload["request_id"]])


def _claim_url(payload):
    return reverse("mdf:claim_detail", args=[payload["claim_id"]])


@notice_for("mdf.request.submitted")
def _request_submitted(event):
    p = event.payload
    return [
        Notice(
            users=channel_manager_of(event.partner),
            title=gettext("MDF request to review: %(title)s") % {"title": p["title"]},
            body=gettext("%(partner)s asks for %(amount)s %(currency)s.")
            % {"partner": event.partner.name, "amount": p["requested_amount"], "currency": p["currency"]},
            url=_request_url(p),
        )
    ]


@notice_for("mdf.request.approved")
def _request_approved(event):
    p = event.payload
    return [
        Notice(
            users=marketing_people(p["partner_id"]),
            title=gettext("MDF approved: %(title)s") % {"title": p["title"]},
            body=gettext("%(amount)s %(currency)s committed. Claim after the activity, by the deadline.")
            % {"amount": p["approved_amount"], "currency": p["currency"]},
            url=_request_url(p),
        )
    ]


@notice_for("mdf.request.rejected")
def _request_rejected(event):
    p = event.payload
    return [
        Notice(
            users=marketing_people(p["partner_id"]),
            title=gettext("MDF request rejected: %(title)s") % {"title": p["title"]},
            body=p.get("reason") or "",
            url=_request_url(p),
        )
    ]


@notice_for("mdf.claim.submitted")
def _claim_submitted(event):
    p = event.payload
    return [
        Notice(
            users=finance_people(),
            title=gettext("MDF claim to review: %(partner)s") % {"partner": event.partner.name},
            body=gettext("%(amount)s %(currency)s claimed.")
            % {"amount": p["claimed_amount"], "currency": p["currency"]},
            url=_claim_url(p),
        )
    ]


@notice_for("mdf.claim.approved")
def _claim_approved(event):
    p = event.payload
    return [
        Notice(
            users=marketing_people(p["partner_id"]),
            title=gettext("MDF claim approved: %(amount)s %(currency)s")
            % {"amount": p["approved_amount"], "currency": p["currency"]},
            url=_claim_url(p),
        )
    ]


@notice_for("mdf.claim.rejected")
def _claim_rejected(event):
    p = event.payload
    return [
        Notice(
            users=marketing_people(p["partner_id"]),
            title=gettext("MDF claim rejected"),
            body=p.get("reason") or "",
            url=_claim_url(p),
        )
    ]


@notice_for("mdf.claim.info_requested")
def _claim_info(event):
    p = event.payload
    return [
        Notice(
            users=marketing_people(p["partner_id"]),
            title=gettext("Finance needs more on your MDF claim"),
            body=p.get("reason") or "",
            url=_claim_url(p),
        )
    ]


@notice_for("mdf.claim.paid")
def _claim_paid(event):
    p = event.payload
    return [
        Notice(
            users=marketing_people(p["partner_id"]),
            title=gettext("MDF claim paid: %(amount)s %(currency)s")
            % {"amount": p["approved_amount"], "currency": p["currency"]},
            body=gettext("Payment reference %(reference)s.") % {"reference": p["payment_reference"]},
            url=_claim_url(p),
        )
    ]


@notice_for("mdf.funds.allocated")
def _allocated(event):
    p = event.payload
    return [
        Notice(
            users=marketing_people(p["partner_id"]),
            title=gettext("MDF added: %(amount)s %(currency)s") % {"amount": p["amount"], "currency": p["currency"]},
            url=reverse("mdf:overview"),
        )
    ]


@notice_for("mdf.fund.expiring")
def _expiring(event):
    p = event.payload
    return [
        Notice(
            users=marketing_people(p["partner_id"]),
            title=gettext("%(amount)s %(currency)s of MDF expires on %(date)s")
            % {"amount": p["available"], "currency": p["currency"], "date": p["expires_at"]},
            body=gettext("Unspent funds of %(period)s expire then: request and get approval before that date.")
            % {"period": p["period"]},
            url=reverse("mdf:overview"),
        )
    ]


@notice_for("mdf.accrual.shortfall")
def _shortfall(event):
    p = event.payload
    return [
        Notice(
            users=finance_people(),
            title=gettext("MDF reversal short by %(amount)s %(currency)s")
            % {"amount": p["unrecovered"], "currency": p["currency"]},
            body=gettext(
                "Deal %(deal)s was reopened after its MDF had been committed or spent: the fund shows the "
                "amount as a recovery owed, taken back from money released or added to it later."
            )
            % {"deal": p["deal_id"]},
        )
    ]
