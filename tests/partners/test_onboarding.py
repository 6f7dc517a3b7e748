"""Onboarding: the checklist by partner type, steps ticking from events, agreement, plans, reminders."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Role
from partners import business_plans, onboarding, services
from partners.models import (
    AgreementAcceptance,
    OnboardingCompletion,
    OnboardingStep,
    OnboardingStepKind,
    Partner,
    PartnerStatus,
    PartnerType,
)
from prm import events
from prm.audit import history_of
from prm.events import record_event, register_event_type
from prm.models import Notification
from tests.factories import PartnerAdminFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

# Other apps register these; the subscribers work by name whether or not they have yet.
for name in ("deal.submitted", "course.completed"):
    if name not in events.EVENT_TYPES:
        register_event_type(name, category="deals", description="test", public=False)


DEAL_PAYLOAD = {"deal_id": 1, "customer_name": "Initrode", "status": "submitted", "partner_name": "New"}


@pytest.fixture
def new_partner(db):
    return PartnerFactory(status=PartnerStatus.ONBOARDING, partner_type=PartnerType.RESELLER, website_domain="")


def done_kinds(partner):
    return set(OnboardingCompletion.objects.filter(partner=partner).values_list("step__kind", flat=True))


def test_default_checklist_has_the_six_steps(new_partner):
    kinds = [item["step"].kind for item in onboarding.checklist(new_partner)]
    assert kinds == ["agreement", "profile", "team", "course", "business_plan", "first_deal"]
    assert new_partner.onboarding_progress == 0


def test_checklist_follows_the_partner_type(new_partner):
    step = OnboardingStep.objects.create(
        kind=OnboardingStepKind.MANUAL, title="Sign the reseller addendum", partner_types=[PartnerType.RESELLER]
    )
    other = PartnerFactory(partner_type=PartnerType.REFERRAL)
    assert step in [i["step"] for i in onboarding.checklist(new_partner)]
    assert step not in [i["step"] for i in onboarding.checklist(other)]


def test_a_submitted_deal_ticks_the_first_deal_step(new_partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_event("deal.submitted", partner=new_partner, payload=DEAL_PAYLOAD)
    assert done_kinds(new_partner) == {"first_deal"}
    new_partner.refresh_from_db()
    assert new_partner.onboarding_progress == 17  # 1 of 6


def test_a_conflict_does_not_tick_the_first_deal_step_the_first_accepted_registration_does(
    new_partner, other_partner, django_capture_on_commit_callbacks
):
    """Through the deal services: a registration refused at once as a conflict is no first deal; the partner's
    first registration that is accepted (submitted for approval) is."""
    from deals import services as deals_services
    from tests.deals.factories import registration_kwargs

    user = UserFactory(partner=new_partner, role=Role.PARTNER_USER)
    holder = UserFactory(partner=other_partner, role=Role.PARTNER_USER)
    with django_capture_on_commit_callbacks(execute=True):
        deals_services.register_deal(user=holder, **registration_kwargs())
    with django_capture_on_commit_callbacks(execute=True):
        conflict = deals_services.register_deal(user=user, **registration_kwargs())
    assert conflict.reason == "conflict"
    assert "first_deal" not in done_kinds(new_partner)

    with django_capture_on_commit_callbacks(execute=True):
        deals_services.register_deal(
            user=user, **registration_kwargs(customer_name="Umbrella Corporation", customer_domain="umbrella.example")
        )
    assert "first_deal" in done_kinds(new_partner)


def test_an_accepted_lead_ticks_the_first_deal_step(new_partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_event("deal.approved", partner=new_partner, payload={**DEAL_PAYLOAD, "status": "approved"})
    assert done_kinds(new_partner) == {"first_deal"}


def test_the_same_event_twice_ticks_once(new_partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_event("deal.submitted", partner=new_partner, payload=DEAL_PAYLOAD)
        record_event("deal.submitted", partner=new_partner, payload=DEAL_PAYLOAD)
    assert OnboardingCompletion.objects.filter(partner=new_partner).count() == 1


def test_only_the_onboarding_course_ticks_the_course_step(new_partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_event(
            "course.completed", partner=new_partner, payload={"partner_id": new_partner.pk, "course_kind": "sales"}
        )
    assert done_kinds(new_partner) == set()
    with django_capture_on_commit_callbacks(execute=True):
        record_event(
            "course.completed", partner=new_partner, payload={"partner_id": new_partner.pk, "course_kind": "onboarding"}
        )
    assert done_kinds(new_partner) == {"course"}


def test_a_colleague_joining_ticks_invite_the_team(new_partner, django_capture_on_commit_callbacks):
    admin = PartnerAdminFactory(partner=new_partner)
    with django_capture_on_commit_callbacks(execute=True):
        record_event("user.joined", partner=new_partner, payload={"user_id": admin.pk, "email": admin.email})
    assert done_kinds(new_partner) == set()  # the admin alone is not a team
    colleague = UserFactory(partner=new_partner)
    with django_capture_on_commit_callbacks(execute=True):
        record_event("user.joined", partner=new_partner, payload={"user_id": colleague.pk, "email": colleague.email})
    assert done_kinds(new_partner) == {"team"}


def test_filling_the_profile_ticks_its_step(new_partner):
    admin = PartnerAdminFactory(partner=new_partner)
    services.update_partner_profile(actor=admin, partner=new_partner, changes={"legal_name": "X Ltd"})
    assert "profile" not in done_kinds(new_partner)
    services.update_partner_profile(
        actor=admin,
        partner=new_partner,
        changes={
            "website_domain": "x.example",
            "description": "We sell",
            "phone": "+1 555",
            "address": "1 Main St",
            "verticals": ["retail"],
        },
    )
    assert "profile" in done_kinds(new_partner)


def test_accepting_the_agreement_stores_user_time_and_address(new_partner):
    admin = PartnerAdminFactory(partner=new_partner)
    acceptance = onboarding.accept_agreement(user=admin, partner=new_partner, ip_address="198.51.100.7")
    assert (acceptance.user, acceptance.ip_address, acceptance.agreement.version) == (admin, "198.51.100.7", "1.0")
    assert acceptance.accepted_at is not None
    assert "agreement" in done_kinds(new_partner)
    onboarding.accept_agreement(user=admin, partner=new_partner, ip_address="198.51.100.8")
    assert AgreementAcceptance.objects.filter(partner=new_partner).count() == 1
    assert history_of(new_partner).filter(action="agreement_accepted").count() == 1


def test_only_the_partners_admin_accepts_the_agreement(new_partner, partner_admin, channel_manager):
    member = UserFactory(partner=new_partner)
    for user in (member, partner_admin, channel_manager):
        with pytest.raises(PermissionDenied):
            onboarding.accept_agreement(user=user, partner=new_partner)


def test_submitting_a_business_plan_ticks_its_step(new_partner, channel_manager):
    admin = PartnerAdminFactory(partner=new_partner)
    plan = business_plans.submit_business_plan(
        actor=admin,
        partner=new_partner,
        period="2026-Q4",
        partner_owner=admin,
        vendor_owner=channel_manager,
        sourced_bookings_target=50000,
        registered_deals_target=3,
    )
    assert plan.period == "2026-Q4"
    assert "business_plan" in done_kinds(new_partner)


def test_completing_every_step_activates_the_partner(new_partner, channel_manager):
    for step in OnboardingStep.objects.all():
        onboarding.complete_manual_step(actor=channel_manager, partner=new_partner, step=step)
    new_partner.refresh_from_db()
    assert new_partner.onboarding_progress == 100
    assert new_partner.status == PartnerStatus.ACTIVE


def test_partners_may_not_tick_steps_by_hand(new_partner):
    admin = PartnerAdminFactory(partner=new_partner)
    with pytest.raises(PermissionDenied):
        onboarding.complete_manual_step(actor=admin, partner=new_partner, step=OnboardingStep.objects.first())


def test_stalled_onboarding_reminds_once_per_fortnight(
    new_partner, channel_manager, django_capture_on_commit_callbacks
):
    admin = PartnerAdminFactory(partner=new_partner)
    Partner.objects.filter(pk=new_partner.pk).update(
        channel_manager=channel_manager, created_at=timezone.now() - timedelta(days=20)
    )
    fresh = PartnerFactory(status=PartnerStatus.ONBOARDING)
    with django_capture_on_commit_callbacks(execute=True):
        assert onboarding.send_stalled_onboarding_reminders() == 1
        assert onboarding.send_stalled_onboarding_reminders() == 0  # the same day: nothing more
    assert Notification.objects.filter(user=admin, title__icontains="onboarding").count() == 1
    assert Notification.objects.filter(user=channel_manager, title__icontains="stalled").count() == 1
    assert not Notification.objects.filter(user__partner=fresh).exists()
    later = timezone.now() + timedelta(days=15)
    assert onboarding.send_stalled_onboarding_reminders(now=later) == 2  # again, and now the fresh one too


def test_a_recent_step_means_not_stalled(new_partner, channel_manager):
    Partner.objects.filter(pk=new_partner.pk).update(created_at=timezone.now() - timedelta(days=30))
    onboarding.complete_manual_step(actor=channel_manager, partner=new_partner, step=OnboardingStep.objects.first())
    assert onboarding.send_stalled_onboarding_reminders() == 0


def test_the_reminder_task_calls_the_service(new_partner):
    from partners.tasks import send_onboarding_reminders

    Partner.objects.filter(pk=new_partner.pk).update(created_at=timezone.now() - timedelta(days=20))
    assert send_onboarding_reminders.delay().get() == 1
    assert send_onboarding_reminders.delay().get() == 0


def test_changing_the_checklist_recomputes_progress(new_partner, program_admin, channel_manager):
    step = OnboardingStep.objects.get(kind="agreement")
    onboarding.complete_manual_step(actor=channel_manager, partner=new_partner, step=step)
    OnboardingStep.objects.exclude(kind__in=["agreement", "profile"]).update(active=False)
    onboarding.recompute_all_progress()
    new_partner.refresh_from_db()
    assert new_partner.onboarding_progress == 50
    assert Role.PROGRAM_ADMIN  # program admins change steps through the settings page (tested in pages)
