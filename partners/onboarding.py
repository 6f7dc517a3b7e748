"""Onboarding: the checklist by partner type, ticked by people and by other apps' events.

Steps of the default kinds tick themselves: the agreement when a partner admin accepts it, the profile
when its required fields are filled, the team when a colleague joins (`user.joined`), the course on
`course.completed` of an onboarding course, the plan when one is submitted, the first deal on
the first accepted registration (a `deal.submitted` not refused at once, or `deal.approved`).
`Partner.onboarding_progress` is recomputed in the same transaction as each tick.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from partners.models import (
    AgreementAcceptance,
    OnboardingCompletion,
    OnboardingStep,
    OnboardingStepKind,
    Partner,
    PartnerAgreement,
    PartnerStatus,
)
from prm.audit import record_audit
from prm.events import on_event, record_event
from prm.guards import require_standing

STALLED_AFTER = timedelta(days=14)
REQUIRED_PROFILE_FIELDS = ("legal_name", "website_domain", "description", "phone", "address", "verticals")


def steps_for(partner_type: str, steps=None) -> list[OnboardingStep]:
    steps = steps if steps is not None else OnboardingStep.objects.filter(active=True)
    return [step for step in steps if step.applies_to(partner_type)]


def checklist(partner: Partner) -> list[dict]:
    """The partner's steps in order, each with its completion (or None)."""
    done = {c.step_id: c for c in OnboardingCompletion.objects.filter(partner=partner).select_related("completed_by")}
    return [{"step": step, "completion": done.get(step.pk)} for step in steps_for(partner.partner_type)]


def recompute_progress(partner: Partner) -> int:
    """Percent of the partner's applicable steps done; stored on the partner (directory, API)."""
    steps = steps_for(partner.partner_type)
    done = OnboardingCompletion.objects.filter(partner=partner, step__in=steps).count()
    progress = round(100 * done / len(steps)) if steps else 100
    Partner.objects.filter(pk=partner.pk).update(onboarding_progress=progress)
    partner.onboarding_progress = progress
    return progress


def complete_step(*, partner: Partner, kind: str, actor: User | None = None, source: str = "") -> int:
    """Tick the partner's open steps of `kind`; safe to call again (a done step stays done). Returns how many."""
    steps = [step for step in steps_for(partner.partner_type) if step.kind == kind]
    if not steps:
        return 0
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        done = set(
            OnboardingCompletion.objects.filter(partner=partner, step__in=steps).values_list("step_id", flat=True)
        )
        now = timezone.now()
        ticked = 0
        for step in steps:
            if step.pk in done:
                continue
            OnboardingCompletion.objects.create(
                partner=partner, step=step, completed_at=now, completed_by=actor, source=source[:60]
            )
            record_audit(actor=actor, obj=partner, action="onboarding_step_done", to_state=step.title, reason=source)
            ticked += 1
        if ticked:
            Partner.objects.filter(pk=partner.pk).update(onboarding_activity_at=now)
            progress = recompute_progress(partner)
            record_event(
                "partner.onboarding_progressed",
                actor=actor,
                partner=partner,
                subject=partner,
                payload={"partner_id": partner.pk, "step_kind": kind, "progress": progress},
            )
            if progress >= 100 and partner.status == PartnerStatus.ONBOARDING:
                from partners.services import PARTNER_WORKFLOW  # partners.services imports this module

                PARTNER_WORKFLOW.apply(
                    partner,
                    PartnerStatus.ACTIVE,
                    actor=actor,
                    reason="Onboarding complete",
                    extra_fields=["updated_at"],
                )
    return ticked


def complete_manual_step(*, actor: User, partner: Partner, step: OnboardingStep) -> int:
    """Channel staff tick a step by hand (manual steps, or a default step done outside the portal)."""
    access.require(actor, "partners.tick_onboarding_step", partner, standing=False)
    if not step.applies_to(partner.partner_type):
        raise ValidationError(_("This step is not part of this partner's checklist."))
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if OnboardingCompletion.objects.filter(partner=partner, step=step).exists():
            return 0
        now = timezone.now()
        OnboardingCompletion.objects.create(
            partner=partner, step=step, completed_at=now, completed_by=actor, source="ticked by hand"
        )
        record_audit(actor=actor, obj=partner, action="onboarding_step_done", to_state=step.title, reason="by hand")
        Partner.objects.filter(pk=partner.pk).update(onboarding_activity_at=now)
        if recompute_progress(partner) >= 100 and partner.status == PartnerStatus.ONBOARDING:
            from partners.services import PARTNER_WORKFLOW  # partners.services imports this module

            PARTNER_WORKFLOW.apply(
                partner, PartnerStatus.ACTIVE, actor=actor, reason="Onboarding complete", extra_fields=["updated_at"]
            )
    return 1


def profile_is_complete(partner: Partner) -> bool:
    return all(getattr(partner, field) for field in REQUIRED_PROFILE_FIELDS)


def check_profile(*, partner: Partner, actor: User | None = None) -> None:
    """Tick "complete the company profile" once the required fields are filled."""
    if profile_is_complete(partner):
        complete_step(partner=partner, kind=OnboardingStepKind.PROFILE, actor=actor, source="profile completed")


# --- The agreement -----------------------------------------------------------------------------------


def current_agreement() -> PartnerAgreement | None:
    return PartnerAgreement.objects.filter(published_at__lte=timezone.now()).order_by("-published_at", "-id").first()


def accept_agreement(*, user: User, partner: Partner, ip_address: str | None = None) -> AgreementAcceptance:
    """A partner admin accepts the current agreement version for the organisation (user, time, address)."""
    require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    access.require(user, "partners.accept_agreement", partner, standing=False)  # standing checked above
    agreement = current_agreement()
    if agreement is None:
        raise ValidationError(_("There is no agreement to accept yet."))
    with transaction.atomic():
        acceptance, created = AgreementAcceptance.objects.get_or_create(
            agreement=agreement,
            partner=partner,
            defaults={"user": user, "accepted_at": timezone.now(), "ip_address": ip_address},
        )
        if created:
            record_audit(
                actor=user,
                obj=partner,
                action="agreement_accepted",
                to_state=f"v{agreement.version}",
                changes={"ip_address": [None, ip_address]},
            )
        complete_step(partner=partner, kind=OnboardingStepKind.AGREEMENT, actor=user, source="agreement accepted")
    return acceptance


# --- Reminders ---------------------------------------------------------------------------------------


def stalled_partners(now=None):
    """Onboarding partners with no step done in 14 days and no reminder in the last 14 days."""
    now = now or timezone.now()
    cutoff = now - STALLED_AFTER
    return (
        Partner.objects.filter(status=PartnerStatus.ONBOARDING, onboarding_progress__lt=100)
        .annotate(last_activity=Coalesce("onboarding_activity_at", "created_at"))
        .filter(last_activity__lte=cutoff)
        .filter(Q(onboarding_reminded_at__isnull=True) | Q(onboarding_reminded_at__lte=cutoff))
    )


def send_stalled_onboarding_reminders(*, now=None) -> int:
    """Remind each stalled partner (its admins and channel manager) at most once per 14 days.

    Each partner is claimed with a conditional UPDATE, so two runs at once remind it once."""
    now = now or timezone.now()
    cutoff = now - STALLED_AFTER
    sent = 0
    for partner in stalled_partners(now).only("id", "name", "channel_manager_id", "onboarding_progress"):
        with transaction.atomic():
            claimed = (
                Partner.objects.filter(pk=partner.pk)
                .filter(Q(onboarding_reminded_at__isnull=True) | Q(onboarding_reminded_at__lte=cutoff))
                .update(onboarding_reminded_at=now)
            )
            if not claimed:
                continue
            record_event(
                "partner.onboarding_stalled",
                partner=partner,
                subject=partner,
                payload={
                    "partner_id": partner.pk,
                    "partner_name": partner.name,
                    "progress": partner.onboarding_progress,
                    "channel_manager_id": partner.channel_manager_id,
                },
            )
            sent += 1
    return sent


# --- Steps other apps complete (subscribers run after commit, once per event) -----------------------


# Registration outcomes that accept the registration (docs/policy.md, "Onboarding: first deal"): refused at
# once (a conflict, a duplicate, a rejected direct account) does not count as the partner's first deal.
ACCEPTED_REGISTRATION_STATUSES = frozenset({"submitted", "pending_review", "approved"})


@on_event("deal.submitted", "deal.approved")
def tick_first_deal(event) -> None:
    """The first accepted registration ticks the step: one submitted or held for review, or a lead accepted
    (an approved registration without a deal.submitted)."""
    if (event.payload or {}).get("status") not in ACCEPTED_REGISTRATION_STATUSES:
        return
    partner = Partner.objects.filter(pk=event.partner_id).first() if event.partner_id else None
    if partner is not None:
        complete_step(partner=partner, kind=OnboardingStepKind.FIRST_DEAL, actor=event.actor, source=event.name)


@on_event("course.completed")
def tick_onboarding_course(event) -> None:
    if (event.payload or {}).get("course_kind") != "onboarding":
        return
    partner_id = event.partner_id or (event.payload or {}).get("partner_id")
    partner = Partner.objects.filter(pk=partner_id).first() if partner_id else None
    if partner is not None:
        complete_step(partner=partner, kind=OnboardingStepKind.COURSE, actor=event.actor, source="course.completed")


@on_event("user.joined")
def tick_team(event) -> None:
    partner = Partner.objects.filter(pk=event.partner_id).first() if event.partner_id else None
    if partner is None:
        return
    # The team step means colleagues joined: the first admin accepting their own invitation is not "a team".
    members = User.objects.filter(partner=partner, is_active=True).count()
    if members >= 2:
        complete_step(partner=partner, kind=OnboardingStepKind.TEAM, actor=event.actor, source="user.joined")


def recompute_all_progress() -> None:
    """Recompute every partner's percentage after the checklist itself changed (set-based per type)."""
    steps = list(OnboardingStep.objects.filter(active=True))
    done = {
        (row["partner_id"], row["step_id"])
        for row in OnboardingCompletion.objects.filter(step__in=steps).values("partner_id", "step_id")
    }
    by_type: dict[str, list[int]] = {}
    for partner_id, partner_type in Partner.objects.values_list("id", "partner_type"):
        by_type.setdefault(partner_type, []).append(partner_id)
    updates = []
    for partner_type, ids in by_type.items():
        applicable = [s.pk for s in steps_for(partner_type, steps)]
        for partner_id in ids:
            count = sum(1 for step_id in applicable if (partner_id, step_id) in done)
            updates.append(
                Partner(pk=partner_id, onboarding_progress=round(100 * count / len(applicable)) if applicable else 100)
            )
    Partner.objects.bulk_update(updates, ["onboarding_progress"], batch_size=1000)
