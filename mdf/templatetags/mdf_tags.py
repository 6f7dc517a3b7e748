"""Panels of the role home pages (one include each), fed by selectors."""

from django import template

from accounts import access
from mdf import selectors, services
from mdf.forms import MdfAccessForm
from mdf.models import MDF_ACCESS_SETTING_LABEL, FundStatus, MdfRequesters

register = template.Library()


@register.simple_tag
def mdf_partner_panel(user):
    funds = selectors.fund_list(user)
    balance = selectors.partner_overview_balance(user)
    next_expiry = funds.filter(status=FundStatus.OPEN, available__gt=0).order_by("expires_at", "id").first()
    return {"balance": balance, "next_expiry": next_expiry}


@register.simple_tag
def mdf_finance_panel(user):
    return selectors.claim_queue_summary(user)


@register.inclusion_tag("mdf/partials/access_setting.html", takes_context=True)
def mdf_access_setting(context, partner):
    """The team page's "who requests and claims MDF" setting: a form for the partner's admins, text for others."""
    user = context["request"].user
    requesters = services.mdf_requesters(partner.pk)
    return {
        "partner": partner,
        "label": MDF_ACCESS_SETTING_LABEL,
        "current": MdfRequesters(requesters).label,
        "form": MdfAccessForm(initial={"requesters": requesters}),
        "can_change": access.can(user, "mdf.set_requesters", partner),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def finance_mdf_queue():
    return selectors.claim_queue()
