"""Applications and OPP scoring: submission, duplicates, scoring arithmetic, quadrants, decisions."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Invitation, Role
from partners import recruiting
from partners.models import (
    Application,
    ApplicationStatus,
    CriterionGroup,
    OppCriterion,
    Partner,
    Quadrant,
    TierChange,
)
from prm.exceptions import Conflict, TransitionNotAllowed
from prm.models import AuditEntry, DomainEvent, Notification
from tests.partners.factories import ApplicationFactory, application_data

pytestmark = pytest.mark.django_db


def ratings(fit: int, willingness: int) -> dict:
    return {
        c.pk: (fit if c.group == CriterionGroup.FIT else willingness) for c in OppCriterion.objects.filter(active=True)
    }


def test_submitting_an_application_confirms_by_email_and_records_the_event(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = recruiting.submit_application(data=application_data(), ip_address="203.0.113.9")

    assert application.status == ApplicationStatus.SUBMITTED
    assert application.website_domain == "initech.example"
    assert not application.is_duplicate
    assert [m.to for m in mail.outbox] == [["peter@initech.example"]]
    assert "application #" in mail.outbox[0].body
    assert DomainEvent.objects.filter(name="application.submitted", object_id=application.pk).exists()
    assert AuditEntry.objects.filter(action="submitted", object_id=application.pk).exists()


def test_channel_managers_hear_about_a_new_application(django_capture_on_commit_callbacks, channel_manager):
    with django_capture_on_commit_callbacks(execute=True):
        recruiting.submit_application(data=application_data())
    assert Notification.objects.filter(user=channel_manager, title__contains="Initech").exists()


def test_a_second_application_from_the_same_domain_is_flagged_not_blocked():
    first = recruiting.submit_application(data=application_data())
    second = recruiting.submit_application(
        data=application_data(company_name="Initech UK", website="http://initech.example", contact_email="m@x.example")
    )
    assert second.duplicate_of == first and second.is_duplicate
    assert Application.objects.count() == 2


def test_an_application_from_an_existing_partners_domain_is_flagged(partner):
    application = recruiting.submit_application(data=application_data(website="acme.example"))
    assert application.matching_partner == partner


def test_an_application_without_a_real_website_is_refused_with_a_field_message():
    with pytest.raises(ValidationError) as error:
        recruiting.submit_application(data=application_data(website="not a site"))
    assert "website" in error.value.message_dict


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(3, 5), (1, 1)], Decimal("4.00")),
        ([(1, 1), (1, 2), (1, 2)], Decimal("1.67")),
        ([(2, 3), (2, 4)], Decimal("3.50")),
        ([(1, 5)], Decimal("5.00")),
        ([(3, 1), (1, 2)], Decimal("1.25")),
        ([(1, 2), (1, 3), (1, 3), (1, 3), (1, 3), (1, 3), (1, 3), (1, 3)], Decimal("2.88")),  # 2.875 rounds half up
    ],
)
def test_a_group_score_is_the_weighted_mean_rounded_half_up(pairs, expected):
    assert recruiting.weighted_mean(pairs) == expected


@pytest.mark.parametrize(
    ("fit", "willingness", "quadrant"),
    [
        ("3.00", "3.00", Quadrant.RECRUIT_NOW),
        ("5.00", "5.00", Quadrant.RECRUIT_NOW),
        ("3.00", "2.99", Quadrant.NURTURE),
        ("2.99", "3.00", Quadrant.OPPORTUNISTIC),
        ("2.99", "2.99", Quadrant.DEPRIORITISE),
        ("1.00", "1.00", Quadrant.DEPRIORITISE),
    ],
)
def test_quadrant_edges_count_three_as_high(fit, willingness, quadrant):
    assert recruiting.quadrant_for(Decimal(fit), Decimal(willingness)) == quadrant


def test_scoring_an_application_stores_totals_and_moves_it_into_review(channel_manager):
    application = ApplicationFactory()
    criteria = list(OppCriterion.objects.filter(active=True))
    values = {}
    for c in criteria:
        values[c.pk] = 5 if c.name == "Industry" else (4 if c.group == CriterionGroup.FIT else 2)
    recruiting.score_application(actor=channel_manager, application=application, values=values)

    application.refresh_from_db()
    fit = [(c.weight, values[c.pk]) for c in criteria if c.group == CriterionGroup.FIT]
    expected_fit = recruiting.weighted_mean(fit)
    assert application.fit_score == expected_fit == Decimal("4.23")  # (3*5 + 10*4) / 13
    assert application.willingness_score == Decimal("2.00")
    assert application.score == Decimal("3.12")  # (4.23 + 2.00) / 2 = 3.115 -> 3.12
    assert application.quadrant == Quadrant.NURTURE
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.opp_scores.count() == len(criteria)


def test_rescoring_updates_the_same_rows(channel_manager):
    application = ApplicationFactory()
    recruiting.score_application(actor=channel_manager, application=application, values=ratings(2, 2))
    recruiting.score_application(actor=channel_manager, application=application, values=ratings(4, 4))
    application.refresh_from_db()
    assert application.quadrant == Quadrant.RECRUIT_NOW
    assert application.opp_scores.count() == OppCriterion.objects.filter(active=True).count()


def test_scoring_needs_every_criterion_between_one_and_five(channel_manager):
    application = ApplicationFactory()
    values = ratings(3, 3)
    first = next(iter(values))
    values[first] = 6
    with pytest.raises(ValidationError) as error:
        recruiting.score_application(actor=channel_manager, application=application, values=values)
    assert f"criterion_{first}" in error.value.message_dict
    del values[first]
    with pytest.raises(ValidationError):
        recruiting.score_application(actor=channel_manager, application=application, values=values)


def test_inactive_criteria_do_not_count(channel_manager):
    OppCriterion.objects.filter(group=CriterionGroup.FIT).exclude(name="Industry").update(active=False)
    application = ApplicationFactory()
    values = ratings(1, 3)
    industry = OppCriterion.objects.get(name="Industry")
    values[industry.pk] = 5
    recruiting.score_application(actor=channel_manager, application=application, values=values)
    application.refresh_from_db()
    assert application.fit_score == Decimal("5.00")


def test_partner_users_and_finance_may_not_score(partner_admin, finance_user):
    application = ApplicationFactory()
    for user in (partner_admin, finance_user):
        with pytest.raises(PermissionDenied):
            recruiting.score_application(actor=user, application=application, values=ratings(3, 3))


def test_existing_partners_can_be_scored_the_same_way(channel_manager, partner):
    assessment = recruiting.score_partner(actor=channel_manager, partner=partner, values=ratings(2, 4))
    assert (assessment.fit_score, assessment.willingness_score, assessment.quadrant) == (
        Decimal("2.00"),
        Decimal("4.00"),
        Quadrant.OPPORTUNISTIC,
    )


def test_approval_creates_the_partner_at_the_entry_tier_and_invites_its_admin(
    channel_manager, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(country="DE", contact_email="owner@newco.example")
    with django_capture_on_commit_callbacks(execute=True):
        recruiting.approve_application(actor=channel_manager, application=application)

    application.refresh_from_db()
    partner = application.partner
    assert application.status == ApplicationStatus.APPROVED
    assert (partner.name, partner.tier.name, partner.region, partner.channel_manager) == (
        application.company_name,
        "Registered",
        "emea",
        channel_manager,
    )
    assert partner.partner_type == application.partner_type
    invitation = Invitation.objects.get(email="owner@newco.example")
    assert invitation.partner == partner and invitation.role == Role.PARTNER_ADMIN
    assert any("owner@newco.example" in m.to for m in mail.outbox)
    assert TierChange.objects.filter(partner=partner, kind="assignment").exists()
    assert AuditEntry.objects.filter(object_id=application.pk, action="approved", actor=channel_manager).exists()
    assert DomainEvent.objects.filter(name="application.approved", partner=partner).exists()


def test_approving_twice_is_refused_and_creates_one_partner(channel_manager):
    application = ApplicationFactory()
    recruiting.approve_application(actor=channel_manager, application=application)
    with pytest.raises(TransitionNotAllowed):
        recruiting.approve_application(actor=channel_manager, application=application)
    assert Partner.objects.filter(name=application.company_name).count() == 1


def test_approval_rolls_back_when_the_admin_cannot_be_invited(channel_manager, partner_admin):
    application = ApplicationFactory(contact_email=partner_admin.email)
    with pytest.raises(ValidationError):
        recruiting.approve_application(actor=channel_manager, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not Partner.objects.filter(name=application.company_name).exists()


def test_rejection_records_the_reason_and_emails_the_applicant(program_admin, django_capture_on_commit_callbacks):
    application = ApplicationFactory(contact_email="hopeful@applicant.example")
    with django_capture_on_commit_callbacks(execute=True):
        recruiting.reject_application(actor=program_admin, application=application, reason="Outside our territories")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.rejection_reason == "Outside our territories"
    assert mail.outbox[-1].to == ["hopeful@applicant.example"]
    assert "Outside our territories" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(object_id=application.pk, action="rejected", reason="Outside our territories")
    assert DomainEvent.objects.filter(name="application.rejected").exists()


def test_rejection_needs_a_reason_and_an_open_application(channel_manager):
    application = ApplicationFactory()
    with pytest.raises(ValidationError):
        recruiting.reject_application(actor=channel_manager, application=application, reason=" ")
    recruiting.reject_application(actor=channel_manager, application=application, reason="No fit")
    with pytest.raises(TransitionNotAllowed):
        recruiting.reject_application(actor=channel_manager, application=application, reason="Again")
    with pytest.raises(TransitionNotAllowed):
        recruiting.approve_application(actor=channel_manager, application=application)


def test_region_follows_the_country():
    assert [recruiting.region_for_country(c) for c in ("US", "BR", "JP", "FR", "ZA")] == [
        "na",
        "latam",
        "apac",
        "emea",
        "emea",
    ]


def test_domains_are_normalised():
    assert recruiting.normalise_domain("HTTPS://www.Example.com:8443/path?q=1") == "example.com"


def test_approving_a_second_application_of_a_domain_is_refused_naming_the_partner(channel_manager):
    """One partner per web domain: the second approval is a conflict that names the existing partner, and
    nothing of it is saved (no second partner, no invitation, the application stays open)."""
    first = ApplicationFactory(website_domain="initech.example", contact_email="a@initech.example")
    second = ApplicationFactory(website_domain="initech.example", contact_email="b@initech.example")
    recruiting.approve_application(actor=channel_manager, application=first)
    first.refresh_from_db()

    with pytest.raises(Conflict) as refused:
        recruiting.approve_application(actor=channel_manager, application=second)

    assert refused.value.code == "partner_domain_exists"
    assert first.partner.name in refused.value.message
    assert refused.value.data == {"partner": {"id": first.partner_id, "name": first.partner.name}}
    second.refresh_from_db()
    assert second.status == ApplicationStatus.SUBMITTED and second.partner_id is None
    assert Partner.objects.filter(website_domain="initech.example").count() == 1
    assert not Invitation.objects.filter(email="b@initech.example").exists()


def test_an_application_of_an_existing_partners_domain_cannot_be_approved(channel_manager, partner):
    partner.website_domain = "Hooli.example"
    partner.save(update_fields=["website_domain"])
    application = ApplicationFactory(website_domain="hooli.example")
    with pytest.raises(Conflict):
        recruiting.approve_application(actor=channel_manager, application=application)
    assert Partner.objects.filter(website_domain__iexact="hooli.example").count() == 1
