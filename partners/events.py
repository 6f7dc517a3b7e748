"""Partner events and who hears about them."""

from decimal import Decimal

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from partners.models import RequirementMetric
from prm.events import register_event_type
from prm.inputs import parse_iso_date
from prm.notifications import Notice, notice_for

register_event_type("partner.created", category="partners", description="A partner organisation was created.")
register_event_type("partner.tier_changed", category="partners", description="A partner moved to another tier.")
register_event_type(
    "partner.status_changed",
    category="partners",
    description="A partner was suspended, reinstated or terminated (docs/partner-status.md).",
    public=False,
)


@notice_for("partner.tier_changed")
def _tier_changed(event):
    if event.partner_id is None:  # the partner was deleted since: nobody to tell, nothing to link to
        return []
    payload = event.payload
    partner_users = User.objects.filter(partner_id=event.partner_id, is_active=True, role=Role.PARTNER_ADMIN)
    managers = User.objects.filter(pk=payload.get("channel_manager_id"), is_active=True)
    url = reverse("partners:detail", args=[event.partner_id])
    body = payload.get("reason", "")
    names = {"tier": payload["to_tier"], "partner": payload.get("partner_name", "")}
    if payload.get("kind") == "promotion":
        own_title = _("Your organisation was promoted to %(tier)s") % names
        manager_title = _("%(partner)s promoted to %(tier)s") % names
    else:
        own_title = _("Your organisation was moved to %(tier)s") % names
        manager_title = _("%(partner)s moved to %(tier)s") % names
    return [
        Notice(users=partner_users, title=own_title, body=body, url=url),
        Notice(users=managers, title=manager_title, body=body, url=url),
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
    flag = " " + _("(same domain as an earlier application or partner)") if payload.get("duplicate") else ""
    return [
        Notice(
            users=_recruiters(),
            title=_("New partner application: %(company)s") % {"company": payload["company_name"]},
            body=f"{payload.get('website_domain', '')}{flag}",
            url=reverse("partners_public:application", args=[payload["application_id"]]),
        )
    ]


@notice_for("partner.tier_at_risk")
def _tier_at_risk(event):
    """At risk: which tier, its unmet requirements as the review measured them, and when the next review
    decides (rules: docs/tiers.md)."""
    if event.partner_id is None:
        return []
    payload = event.payload
    url = reverse("partners:detail", args=[event.partner_id])
    names = {"period": payload["period"], "tier": payload["tier"]}
    lines = [_("The %(period)s tier review found you short of the %(tier)s requirements.") % names]
    unmet = payload.get("unmet") or []
    if unmet:
        lines.append(
            _("Still needed: %(requirements)s.")
            % {
                "requirements": "; ".join(
                    _("%(requirement)s %(actual)s of %(required)s")
                    % {
                        "requirement": RequirementMetric(row["metric"]).label,
                        "actual": number_format(Decimal(row["actual"]), 0, force_grouping=True),
                        "required": number_format(Decimal(row["required"]), 0, force_grouping=True),
                    }
                    for row in unmet
                    if row.get("metric") in RequirementMetric.values
                )
            }
        )
    if payload.get("next_review_on"):
        lines.append(
            _("If you are still short at the next review on %(date)s, you move down one tier.")
            % {"date": date_format(parse_iso_date(payload["next_review_on"]), "DATE_FORMAT")}
        )
    else:
        lines.append(_("If you are still short at the next review, your tier moves down."))
    body = " ".join(lines)
    admins = User.objects.filter(partner_id=event.partner_id, is_active=True, role=Role.PARTNER_ADMIN)
    managers = User.objects.filter(pk=payload.get("channel_manager_id"), is_active=True)
    return [
        Notice(users=admins, title=_("Your %(tier)s tier is at risk") % {"tier": payload["tier"]}, body=body, url=url),
        Notice(
            users=managers,
            title=_("%(partner)s is at risk of losing %(tier)s")
            % {"partner": payload["partner_name"], "tier": payload["tier"]},
            body=body,
            url=url,
        ),
    ]


@notice_for("partner.onboarding_stalled")
def _onboarding_stalled(event):
    if event.partner_id is None:
        return []
    payload = event.payload
    url = reverse("partners:detail", args=[event.partner_id])
    admins = User.objects.filter(partner_id=event.partner_id, is_active=True, role=Role.PARTNER_ADMIN)
    managers = User.objects.filter(pk=payload.get("channel_manager_id"), is_active=True)
    body = _("Onboarding is %(progress)s %% done; the next steps are on your company profile.") % {
        "progress": payload["progress"]
    }
    return [
        Notice(users=admins, title=_("Your onboarding is waiting for its next step"), body=body, url=url),
        Notice(
            users=managers,
            title=_("%(partner)s: onboarding stalled for 14 days") % {"partner": payload["partner_name"]},
            body=body,
            url=url,
        ),
    ]
