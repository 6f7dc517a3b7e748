"""Recruiting writes: public applications, OPP scoring, and the approve / reject decisions.

OPP scoring: each group's score is the weighted mean of its
criteria's 1-5 ratings, rounded half-up to 2 places; the overall score is the mean of the two groups;
a group score of 3.00 or more is "high". Fit x willingness places the application in a quadrant.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Role, User
from accounts.services import invite_user
from partners.models import (
    Application,
    ApplicationStatus,
    CriterionGroup,
    OppCriterion,
    OppScore,
    Partner,
    PartnerOppAssessment,
    Quadrant,
    Region,
)
from partners.services import create_partner
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict, TransitionNotAllowed
from prm.notifications import send_email
from prm.workflow import Workflow

APPLICATION_WORKFLOW = Workflow(
    {
        ApplicationStatus.SUBMITTED: {
            ApplicationStatus.IN_REVIEW,
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
        },
        ApplicationStatus.IN_REVIEW: {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED},
        ApplicationStatus.APPROVED: set(),
        ApplicationStatus.REJECTED: set(),
    }
)

QUADRANT_THRESHOLD = Decimal("3.00")  # the middle of the 1-5 scale: at or above is "high"
TWO_PLACES = Decimal("0.01")

AMERICAS_NORTH = {"US", "CA", "PM", "BM", "GL"}
LATIN_AMERICA = set(
    "MX GT BZ SV HN NI CR PA CU DO HT JM PR TT BB BS AG DM GD KN LC VC AW CW SX BQ KY TC VG VI AI MS GP MQ BL MF "
    "CO VE EC PE BO BR PY UY AR CL GY SR GF FK".split()
)
ASIA_PACIFIC = set(
    "AU NZ JP KR KP CN HK MO TW MN IN PK BD LK NP BT MV AF SG MY ID TH VN PH KH LA MM BN TL PG FJ SB VU NC PF WS "
    "TO KI TV NR FM MH PW GU MP AS CK NU TK WF PN NF CX CC KZ KG TJ TM UZ".split()
)


def region_for_country(code: str) -> str:
    code = (code or "").upper()
    if code in AMERICAS_NORTH:
        return Region.NORTH_AMERICA
    if code in LATIN_AMERICA:
        return Region.LATIN_AMERICA
    if code in ASIA_PACIFIC:
        return Region.APAC
    return Region.EMEA


def normalise_domain(website: str) -> str:
    """`https://www.Example.com:443/about` -> `example.com` (duplicates are matched on this)."""
    domain = (website or "").strip().lower()
    for prefix in ("https://", "http://"):
        domain = domain.removeprefix(prefix)
    domain = domain.split("/")[0].split("?")[0].split("#")[0].split("@")[-1].split(":")[0]
    return domain.removeprefix("www.").strip(".")


def submit_application(*, data: dict, ip_address: str | None = None) -> Application:
    """Record a public application, flag a duplicate domain (never block it), and confirm by e-mail."""
    fields = ("company_name", "website", "contact_name", "contact_email", "country", "partner_type", "description")
    application = Application(**{field: data.get(field, "") for field in fields}, ip_address=ip_address)
    application.company_name = application.company_name.strip()
    application.contact_email = (application.contact_email or "").strip().lower()
    application.website_domain = normalise_domain(application.website)
    if "." not in application.website_domain:
        raise ValidationError({"website": _("Enter your company's website, e.g. example.com.")})
    application.full_clean()
    with transaction.atomic():
        application.duplicate_of = (
            Application.objects.filter(website_domain=application.website_domain).order_by("created_at", "id").first()
        )
        application.matching_partner = (
            Partner.objects.filter(website_domain__iexact=application.website_domain).order_by("pk").first()
        )
        application.save()
        record_audit(actor=None, obj=application, action="submitted", to_state=application.status)
        record_event(
            "application.submitted",
            subject=application,
            payload={
                "application_id": application.pk,
                "company_name": application.company_name,
                "website_domain": application.website_domain,
                "country": application.country.code,
                "partner_type": application.partner_type,
                "duplicate": application.is_duplicate,
            },
        )
        transaction.on_commit(lambda: _send_applicant_email(application, "application_received"), robust=True)
    return application


def _send_applicant_email(application: Application, template: str) -> None:
    context = {"application": application, "portal_name": settings.PORTAL_NAME, "vendor_name": settings.VENDOR_NAME}
    subjects = {
        "application_received": _("We received your application to the %(vendor)s partner program")
        % {"vendor": settings.VENDOR_NAME},
        "application_rejected": _("Your application to the %(vendor)s partner program")
        % {"vendor": settings.VENDOR_NAME},
    }
    send_email(
        subject=subjects[template],
        body=render_to_string(f"partners/email/{template}.txt", context),
        to=[application.contact_email],
    )


# --- OPP scoring -------------------------------------------------------------------------------------


def weighted_mean(pairs) -> Decimal:
    """Weighted mean of (weight, value) pairs, rounded half-up to 2 places."""
    pairs = list(pairs)
    total_weight = sum(Decimal(weight) for weight, _ in pairs)
    if not total_weight:
        raise ValidationError(_("There are no criteria to score in this group."))
    total = sum(Decimal(weight) * Decimal(value) for weight, value in pairs)
    return (total / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def quadrant_for(fit: Decimal, willingness: Decimal) -> str:
    high_fit, high_will = fit >= QUADRANT_THRESHOLD, willingness >= QUADRANT_THRESHOLD
    if high_fit and high_will:
        return Quadrant.RECRUIT_NOW
    if high_fit:
        return Quadrant.NURTURE
    if high_will:
        return Quadrant.OPPORTUNISTIC
    return Quadrant.DEPRIORITISE


def compute_opp(criteria, values: dict[int, int]) -> dict:
    """Fit, willingness, overall score and quadrant from {criterion_id: 1-5}; every criterion is needed."""
    errors = {}
    cleaned = {}
    for criterion in criteria:
        raw = values.get(criterion.pk, values.get(str(criterion.pk)))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[f"criterion_{criterion.pk}"] = _("Rate %(criterion)s from 1 to 5.") % {"criterion": criterion.name}
            continue
        if not 1 <= value <= 5:
            errors[f"criterion_{criterion.pk}"] = _("Rate %(criterion)s from 1 to 5.") % {"criterion": criterion.name}
            continue
        cleaned[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    groups = {}
    for group in CriterionGroup.values:
        pairs = [(c.weight, cleaned[c.pk]) for c in criteria if c.group == group]
        groups[group] = weighted_mean(pairs)
    fit, willingness = groups[CriterionGroup.FIT], groups[CriterionGroup.WILLINGNESS]
    return {
        "values": cleaned,
        "fit_score": fit,
        "willingness_score": willingness,
        "score": ((fit + willingness) / 2).quantize(TWO_PLACES, rounding=ROUND_HALF_UP),
        "quadrant": quadrant_for(fit, willingness),
    }


def active_criteria() -> list[OppCriterion]:
    return list(OppCriterion.objects.filter(active=True).order_by("group", "position", "id"))


def _store_scores(*, actor, values: dict[int, int], application=None, partner=None) -> None:
    subject = {"application": application} if application is not None else {"partner": partner}
    existing = {s.criterion_id: s for s in OppScore.objects.filter(**subject)}
    for criterion_id, value in values.items():
        score = existing.get(criterion_id)
        if score is None:
            OppScore.objects.create(criterion_id=criterion_id, value=value, scored_by=actor, **subject)
        elif score.value != value:
            score.value, score.scored_by = value, actor
            score.save(update_fields=["value", "scored_by", "updated_at"])


def score_application(*, actor: User, application: Application, values: dict) -> Application:
    """A channel manager rates the application on every active criterion; totals and quadrant follow."""
    access.require(actor, "partners.recruit", standing=False)
    result = compute_opp(active_criteria(), values)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not application.is_open:
            raise TransitionNotAllowed(
                _("This application is %(status)s; its score is final.")
                % {"status": application.get_status_display().lower()},
                code="application_closed",
            )
        _store_scores(actor=actor, values=result["values"], application=application)
        before = (application.fit_score, application.willingness_score, application.quadrant)
        application.fit_score = result["fit_score"]
        application.willingness_score = result["willingness_score"]
        application.score = result["score"]
        application.quadrant = result["quadrant"]
        application.scored_by, application.scored_at = actor, timezone.now()
        application.save()
        if application.status == ApplicationStatus.SUBMITTED:
            APPLICATION_WORKFLOW.apply(application, ApplicationStatus.IN_REVIEW, actor=actor, action="scored")
        record_audit(
            actor=actor,
            obj=application,
            action="score_updated",
            changes={
                "fit_score": [str(before[0] or ""), str(result["fit_score"])],
                "willingness_score": [str(before[1] or ""), str(result["willingness_score"])],
                "quadrant": [before[2], result["quadrant"]],
            },
        )
    return application


def score_partner(*, actor: User, partner: Partner, values: dict) -> PartnerOppAssessment:
    """The same OPP scoring, applied to an existing partner."""
    access.require(actor, "partners.recruit", standing=False)
    result = compute_opp(active_criteria(), values)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        _store_scores(actor=actor, values=result["values"], partner=partner)
        assessment, _created = PartnerOppAssessment.objects.update_or_create(
            partner=partner,
            defaults={
                "fit_score": result["fit_score"],
                "willingness_score": result["willingness_score"],
                "score": result["score"],
                "quadrant": result["quadrant"],
                "scored_by": actor,
                "scored_at": timezone.now(),
            },
        )
        record_audit(actor=actor, obj=partner, action="opp_scored", to_state=result["quadrant"])
    return assessment


# --- Decisions ---------------------------------------------------------------------------------------


def _refuse_second_partner(domain: str) -> None:
    """One partner per web domain (docs/policy.md, "One partner per domain"): approving a second application
    of a domain that already has a partner is refused with that partner named, instead of creating a twin.
    Two approvals of the same domain at once are serialised on the domain (PostgreSQL advisory lock)."""
    if not domain:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"partner-domain:{domain.lower()}"])
    existing = Partner.objects.filter(website_domain__iexact=domain).order_by("pk").first()
    if existing is not None:
        raise Conflict(
            _(
                "%(domain)s is already the domain of partner %(partner)s (#%(id)s): reject this application, or add "
                "its people to that partner."
            )
            % {"domain": domain, "partner": existing.name, "id": existing.pk},
            code="partner_domain_exists",
            data={"partner": {"id": existing.pk, "name": existing.name}},
        )


def approve_application(
    *,
    actor: User,
    application: Application,
    partner_type: str | None = None,
    region: str | None = None,
    channel_manager: User | None = None,
) -> Application:
    """Create the Partner (entry tier, its channel manager) and invite the applicant as its admin."""
    access.require(actor, "partners.recruit", standing=False)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        APPLICATION_WORKFLOW.check(application, ApplicationStatus.APPROVED)
        _refuse_second_partner(application.website_domain)
        if channel_manager is None and access.is_channel_manager(actor):
            channel_manager = actor
        partner = create_partner(
            actor=actor,
            name=application.company_name,
            partner_type=partner_type or application.partner_type,
            country=application.country.code,
            region=region or region_for_country(application.country.code),
            channel_manager=channel_manager,
            website_domain=application.website_domain,
            description=application.description,
        )
        invite_user(inviter=actor, email=application.contact_email, role=Role.PARTNER_ADMIN, partner=partner)
        application.partner = partner
        application.decided_by, application.decided_at = actor, timezone.now()
        APPLICATION_WORKFLOW.apply(
            application,
            ApplicationStatus.APPROVED,
            actor=actor,
            reason=f"Partner #{partner.pk} created",
            extra_fields=["partner", "decided_by", "decided_at"],
        )
        record_event(
            "application.approved",
            actor=actor,
            partner=partner,
            subject=application,
            payload={
                "application_id": application.pk,
                "partner_id": partner.pk,
                "company_name": application.company_name,
                "channel_manager_id": partner.channel_manager_id,
            },
        )
    return application


def reject_application(*, actor: User, application: Application, reason: str) -> Application:
    """Record the reason, tell the applicant by e-mail."""
    access.require(actor, "partners.recruit", standing=False)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason; the applicant reads it.")})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        application.rejection_reason = reason
        application.decided_by, application.decided_at = actor, timezone.now()
        APPLICATION_WORKFLOW.apply(
            application,
            ApplicationStatus.REJECTED,
            actor=actor,
            reason=reason,
            extra_fields=["rejection_reason", "decided_by", "decided_at"],
        )
        record_event(
            "application.rejected",
            actor=actor,
            subject=application,
            payload={"application_id": application.pk, "company_name": application.company_name, "reason": reason},
        )
        transaction.on_commit(lambda: _send_applicant_email(application, "application_rejected"), robust=True)
    return application
