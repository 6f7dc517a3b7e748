"""Partner events and who hears about them."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audiences import channel_manager, partner_admins, recruiters
from partners.models import RequirementMetric
from prm import formatting
from prm.events import register_event_type
from prm.inputs import parse_iso_date
from prm.notifications import NoticeKind, either, link, notices, optional

register_event_type("partner.created", category="partners", description="A partner organisation was created.")
register_event_type("partner.tier_changed", category="partners", description="A partner moved to another tier.")
register_event_type(
    "partner.status_changed",
    category="partners",
    description="A partner was suspended, reinstated or terminated (docs/partner-status.md).",
    public=False,
)


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


def _has_partner(event) -> bool:
    """False when the partner was deleted since: nobody to tell, nothing to link to."""
    return event.partner_id is not None


def _promotion(event) -> bool:
    return event.payload.get("kind") == "promotion"


def _duplicate_flag(event) -> str:
    payload = event.payload
    flag = " " + _("(same domain as an earlier application or partner)") if payload.get("duplicate") else ""
    return f"{payload.get('website_domain', '')}{flag}"


def _at_risk_body(event) -> str:
    """Which tier, its unmet requirements as the review measured them, and when the next review decides (rules:
    docs/tiers.md)."""
    payload = event.payload
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
                        "actual": formatting.number(Decimal(row["actual"])),
                        "required": formatting.number(Decimal(row["required"])),
                    }
                    for row in unmet
                    if row.get("metric") in RequirementMetric.values
                )
            }
        )
    if payload.get("next_review_on"):
        lines.append(
            _("If you are still short at the next review on %(date)s, you move down one tier.")
            % {"date": formatting.day(parse_iso_date(payload["next_review_on"]))}
        )
    else:
        lines.append(_("If you are still short at the next review, your tier moves down."))
    return " ".join(lines)


partner_url = link("partners:detail", lambda event: event.partner_id)


def _admins_and_manager(event: str, *, admins_title, manager_title, body, values=None):
    """A partner's own admins and its channel manager hear of the same event in different words: two kinds,
    both only while the partner exists, both linking to it."""
    common = {"event": event, "when": _has_partner, "body": body, "values": values or {}, "url": partner_url}
    return (
        NoticeKind(audience=partner_admins, title=admins_title, **common),
        NoticeKind(audience=channel_manager, title=manager_title, **common),
    )


notices.register(
    *_admins_and_manager(
        "partner.tier_changed",
        admins_title=either(
            _promotion,
            gettext_lazy("Your organisation was promoted to %(tier)s"),
            gettext_lazy("Your organisation was moved to %(tier)s"),
        ),
        manager_title=either(
            _promotion, gettext_lazy("%(partner)s promoted to %(tier)s"), gettext_lazy("%(partner)s moved to %(tier)s")
        ),
        body=optional("reason"),
        values={"tier": "to_tier", "partner": optional("partner_name")},
    ),
    *_admins_and_manager(
        "partner.tier_at_risk",
        admins_title=gettext_lazy("Your %(tier)s tier is at risk"),
        manager_title=gettext_lazy("%(partner)s is at risk of losing %(tier)s"),
        body=_at_risk_body,
        values={"partner": "partner_name"},
    ),
    *_admins_and_manager(
        "partner.onboarding_stalled",
        admins_title=gettext_lazy("Your onboarding is waiting for its next step"),
        manager_title=gettext_lazy("%(partner)s: onboarding stalled for 14 days"),
        body=gettext_lazy("Onboarding is %(progress)s %% done; the next steps are on your company profile."),
        values={"partner": "partner_name"},
    ),
    NoticeKind(
        event="application.submitted",
        audience=recruiters,
        title=gettext_lazy("New partner application: %(company)s"),
        body=_duplicate_flag,
        values={"company": "company_name"},
        url=link("partners_public:application", "application_id"),
    ),
)
