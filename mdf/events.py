"""MDF events, who hears about them, and the subscribers to deal events (accrual and its reversal)."""

from django.utils.translation import gettext_lazy

from accounts.audiences import channel_manager_of_partner, finance_users
from accounts.models import PartnerFunction, Role, User
from mdf import services
from prm.events import on_event, register_event_type
from prm.notifications import NoticeKind, link, notices, payload_money, payload_text

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


def marketing_people(event):
    """The partner's admins and marketing users: the people who always may request and claim MDF (the rule:
    mdf.services.requester_refusal), told about its MDF decisions."""
    partner_id = event.payload["partner_id"]
    return User.objects.filter(partner_id=partner_id, is_active=True, role=Role.PARTNER_ADMIN) | User.objects.filter(
        partner_id=partner_id, is_active=True, role=Role.PARTNER_USER, partner_function=PartnerFunction.MARKETING
    )


def _partner_name(event):
    return event.partner.name


request_url = link("mdf:request_detail", "request_id")
claim_url = link("mdf:claim_detail", "claim_id")
overview_url = link("mdf:overview")

notices.register(
    NoticeKind(
        event="mdf.request.submitted",
        audience=channel_manager_of_partner,
        title=gettext_lazy("MDF request to review: %(title)s"),
        body=gettext_lazy("%(partner)s asks for %(amount)s."),
        values={"partner": _partner_name, "amount": payload_money("requested_amount")},
        url=request_url,
    ),
    NoticeKind(
        event="mdf.request.approved",
        audience=marketing_people,
        title=gettext_lazy("MDF approved: %(title)s"),
        body=gettext_lazy("%(amount)s committed. Claim after the activity, by the deadline."),
        values={"amount": payload_money("approved_amount")},
        url=request_url,
    ),
    NoticeKind(
        event="mdf.request.rejected",
        audience=marketing_people,
        title=gettext_lazy("MDF request rejected: %(title)s"),
        body=payload_text("reason"),
        url=request_url,
    ),
    NoticeKind(
        event="mdf.claim.submitted",
        audience=finance_users,
        title=gettext_lazy("MDF claim to review: %(partner)s"),
        body=gettext_lazy("%(amount)s claimed."),
        values={"partner": _partner_name, "amount": payload_money("claimed_amount")},
        url=claim_url,
    ),
    NoticeKind(
        event="mdf.claim.approved",
        audience=marketing_people,
        title=gettext_lazy("MDF claim approved: %(amount)s"),
        values={"amount": payload_money("approved_amount")},
        url=claim_url,
    ),
    NoticeKind(
        event="mdf.claim.rejected",
        audience=marketing_people,
        title=gettext_lazy("MDF claim rejected"),
        body=payload_text("reason"),
        url=claim_url,
    ),
    NoticeKind(
        event="mdf.claim.info_requested",
        audience=marketing_people,
        title=gettext_lazy("Finance needs more on your MDF claim"),
        body=payload_text("reason"),
        url=claim_url,
    ),
    NoticeKind(
        event="mdf.claim.paid",
        audience=marketing_people,
        title=gettext_lazy("MDF claim paid: %(amount)s"),
        body=gettext_lazy("Payment reference %(reference)s."),
        values={"amount": payload_money("approved_amount"), "reference": "payment_reference"},
        url=claim_url,
    ),
    NoticeKind(
        event="mdf.funds.allocated",
        audience=marketing_people,
        title=gettext_lazy("MDF added: %(amount)s"),
        values={"amount": payload_money("amount")},
        url=overview_url,
    ),
    NoticeKind(
        event="mdf.fund.expiring",
        audience=marketing_people,
        title=gettext_lazy("%(amount)s of MDF expires on %(date)s"),
        body=gettext_lazy("Unspent funds of %(period)s expire then: request and get approval before that date."),
        values={"amount": payload_money("available"), "date": "expires_at"},
        url=overview_url,
    ),
    NoticeKind(
        event="mdf.accrual.shortfall",
        audience=finance_users,
        title=gettext_lazy("MDF reversal short by %(amount)s"),
        body=gettext_lazy(
            "Deal %(deal)s was reopened after its MDF had been committed or spent: the fund shows the "
            "amount as a recovery owed, taken back from money released or added to it later."
        ),
        values={"amount": payload_money("unrecovered"), "deal": "deal_id"},
    ),
)
