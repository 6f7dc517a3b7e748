"""Certificates: issued on passing the exam after the required courses, renewed, verified, expired, counted."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from enablement import services
from enablement.models import Certificate, CertificateReminder, CertificateStatus, EnrolmentStatus
from partners.models import OnboardingStepKind
from partners.tier_engine import measure
from prm.models import DomainEvent, Notification
from tests.enablement.factories import (
    CertificationFactory,
    CourseFactory,
    LearningPathFactory,
    LessonFactory,
    right_answers,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def finish_course(user, course):
    services.enrol(user=user, course=course)
    for lesson in course.lessons.all():
        services.complete_lesson(user=user, lesson=lesson)


def pass_exam(user, quiz):
    attempt = services.open_attempt(user=user, quiz=quiz)
    return services.submit_attempt(user=user, quiz=quiz, answers=right_answers(attempt))


def test_passing_the_exam_after_the_required_courses_issues_a_certificate(
    partner_user, certification, course, django_capture_on_commit_callbacks
):
    finish_course(partner_user, course)
    with django_capture_on_commit_callbacks(execute=True):
        result = pass_exam(partner_user, certification.exam)
    certificate = result.certificate
    assert certificate is not None and certificate.status == CertificateStatus.VALID
    assert len(certificate.verification_code) >= 24
    assert certificate.expires_at.date() == (certificate.issued_at + timedelta(days=366)).date() or (
        certificate.expires_at.year == certificate.issued_at.year + 1
    )
    event = DomainEvent.objects.get(name="certification.issued")
    assert event.payload["certificate_id"] == certificate.pk
    assert event.payload["kind"] == "sales" and event.payload["certification"] == certification.name
    assert Notification.objects.filter(user=partner_user, title__contains=certification.name).exists()


def test_no_certificate_until_every_required_course_is_completed(partner_user, certification, course):
    other = LessonFactory(title="Positioning").course
    certification.required_courses.add(other)
    finish_course(partner_user, course)
    assert pass_exam(partner_user, certification.exam).certificate is None
    finish_course(partner_user, other)
    assert Certificate.objects.filter(user=partner_user, certification=certification).exists()


def test_recertification_renews_the_same_certificate(partner_user, certification, course):
    finish_course(partner_user, course)
    first = pass_exam(partner_user, certification.exam).certificate
    Certificate.objects.filter(pk=first.pk).update(
        issued_at=timezone.now() - timedelta(days=360),
        expires_at=timezone.now() + timedelta(days=5),
        status=CertificateStatus.VALID,
    )
    renewed = pass_exam(partner_user, certification.exam).certificate
    assert renewed.pk == first.pk
    assert renewed.renewals == 1
    assert renewed.expires_at > timezone.now() + timedelta(days=360)


def test_validity_months_come_from_the_certification(partner_user, course, exam):
    certification = CertificationFactory(exam=exam, validity_months=24)
    certificate = services.issue_certificate(user=partner_user, certification=certification)
    assert certificate.expires_at.year == certificate.issued_at.year + 2


def test_finishing_the_onboarding_course_ticks_the_onboarding_checklist(
    partner_user, partner, django_capture_on_commit_callbacks
):
    course = LessonFactory(course__kind="onboarding", course__title="Welcome to Northwind").course
    with django_capture_on_commit_callbacks(execute=True):
        finish_course(partner_user, course)
    event = DomainEvent.objects.get(name="course.completed")
    assert event.partner_id == partner.pk
    assert event.payload == {
        "partner_id": partner.pk,
        "user_id": partner_user.pk,
        "course_id": course.pk,
        "course_kind": "onboarding",
        "course_title": course.title,
    }
    assert services.enrolment_of(partner_user, course.pk).status == EnrolmentStatus.COMPLETED
    assert partner.onboarding_completions.filter(step__kind=OnboardingStepKind.COURSE).exists()


def test_finishing_a_path_step_sends_the_next_step_message(partner_user, course, django_capture_on_commit_callbacks):
    second = CourseFactory(title="Selling Northwind to data teams")
    path = LearningPathFactory(name="Reseller sales path")
    path.steps.create(position=1, course=course)
    path.steps.create(position=2, course=second)
    with django_capture_on_commit_callbacks(execute=True):
        finish_course(partner_user, course)
    notification = Notification.objects.get(user=partner_user, event__name="learning_path.step_completed")
    assert "Selling Northwind to data teams" in notification.title
    assert notification.url == reverse("enablement:course", args=[second.pk])
    # Stored as message keys with parameters, rendered in the reader's language (prm/messages.py).
    assert notification.message_key["title"] == {"msgid": "Well done! Next on %(path)s: %(next_step)s"}
    assert notification.params["next_step"] == {"text": "Selling Northwind to data teams"}
    assert notification.params["done"] == {"rate": "0.5"}
    assert notification.body == f"You finished {course.title}. Your path is 50% done."


# --- Verification ----------------------------------------------------------------------------------


def test_verify_page_shows_a_valid_certificate(client, partner_user, certification):
    certificate = services.issue_certificate(user=partner_user, certification=certification)
    response = client.get(reverse("enablement:verify", args=[certificate.verification_code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert certification.name in body and "Valid" in body and partner_user.get_full_name() in body
    assert partner_user.email not in body


def test_verify_page_shows_an_expired_certificate_as_expired(client, partner_user, certification):
    certificate = services.issue_certificate(
        user=partner_user, certification=certification, now=timezone.now() - timedelta(days=400)
    )
    response = client.get(reverse("enablement:verify", args=[certificate.verification_code]))
    assert response.status_code == 200
    assert "Expired" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_verify_page_for_an_unknown_code_is_the_portals_own_404_in_every_mode(client, db, debug):
    """An employer checking a code reads how to check it, never Django's technical 404 page (DEBUG on, the demo)."""
    with override_settings(DEBUG=debug, DEFAULT_FROM_EMAIL="Partner Portal <partners@example.com>"):
        response = client.get(reverse("enablement:verify", args=["no-such-code-at-all"]))
    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="verify-unknown"' in body and "No certificate has this code" in body
    assert "no-such-code-at-all" in body and "24 characters" in body and "Verification code" in body
    assert "mailto:partners@example.com" in body
    assert "technical_404" not in body and "Using the URLconf" not in body


@pytest.mark.parametrize("language", ["es", "de"])
def test_verify_page_for_an_unknown_code_is_translated(client, db, catalogues, language):
    response = client.get(reverse("enablement:verify", args=["no-such-code"]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert "No certificate has this code" not in response.content.decode()


@override_settings(DEBUG=False)
def test_an_unknown_address_gets_the_portals_404_page_with_debug_off(client, db):
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-404"' in body and "Page not found" in body and 'href="/"' in body


def test_holder_downloads_the_badge_and_the_pdf(client_for, partner_user, certification):
    certificate = services.issue_certificate(user=partner_user, certification=certification)
    client = client_for(partner_user)
    badge = client.get(reverse("enablement:certificate_badge", args=[certificate.pk]))
    assert badge.status_code == 200 and badge["Content-Type"] == "image/png"
    assert badge.content.startswith(b"\x89PNG") and "attachment" in badge["Content-Disposition"]
    pdf = client.get(reverse("enablement:certificate_pdf", args=[certificate.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_other_partners_cannot_see_a_certificate(client_for, partner_user, other_partner_user, certification):
    certificate = services.issue_certificate(user=partner_user, certification=certification)
    client = client_for(other_partner_user)
    for name in ("certificate", "certificate_badge", "certificate_pdf"):
        assert client.get(reverse(f"enablement:{name}", args=[certificate.pk])).status_code == 404


# --- Expiry and reminders (Celery beat) ------------------------------------------------------------


def test_expiry_task_is_idempotent(partner_user, certification, django_capture_on_commit_callbacks):
    certificate = services.issue_certificate(
        user=partner_user, certification=certification, now=timezone.now() - timedelta(days=370)
    )
    from enablement import tasks

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_certificates() == 1
        assert tasks.expire_certificates() == 0
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.EXPIRED
    assert DomainEvent.objects.filter(name="certification.expired").count() == 1
    assert Notification.objects.filter(user=partner_user, title__contains="has expired").count() == 1


def test_reminders_go_30_and_7_days_before_expiry_once_each(
    partner_user, certification, django_capture_on_commit_callbacks
):
    certificate = services.issue_certificate(user=partner_user, certification=certification)
    with django_capture_on_commit_callbacks(execute=True):
        now = certificate.expires_at - timedelta(days=29)
        assert services.send_expiry_reminders(now=now) == 1
        assert services.send_expiry_reminders(now=now) == 0
        now = certificate.expires_at - timedelta(days=6)
        assert services.send_expiry_reminders(now=now) == 1
        assert services.send_expiry_reminders(now=now) == 0
    kinds = sorted(CertificateReminder.objects.filter(certificate=certificate).values_list("kind", flat=True))
    assert kinds == ["30d", "7d"]
    assert Notification.objects.filter(user=partner_user, title__contains="expires in").count() == 2
    assert len(mail.outbox) >= 2


def test_renewal_rearms_the_reminders(partner_user, certification):
    certificate = services.issue_certificate(user=partner_user, certification=certification)
    services.send_expiry_reminders(now=certificate.expires_at - timedelta(days=6))
    renewed = services.issue_certificate(user=partner_user, certification=certification)
    assert services.send_expiry_reminders(now=renewed.expires_at - timedelta(days=6)) == 1


# --- Tier engine provider --------------------------------------------------------------------------


def test_certified_people_feed_the_tier_engine_by_kind(partner, other_partner, certification, exam):
    technical = CertificationFactory(kind="technical", exam=exam)
    people = [UserFactory(partner=partner) for _ in range(3)]
    for person in people:
        services.issue_certificate(user=person, certification=certification)
    services.issue_certificate(user=people[0], certification=technical)
    expired = UserFactory(partner=partner)
    services.issue_certificate(user=expired, certification=certification, now=timezone.now() - timedelta(days=400))
    revoked_holder = UserFactory(partner=partner)
    revoked = services.issue_certificate(user=revoked_holder, certification=certification)
    Certificate.objects.filter(pk=revoked.pk).update(status=CertificateStatus.REVOKED)
    today = timezone.localdate()
    window = (today - timedelta(days=365), today + timedelta(days=1))
    sales = measure("sales_certified_people", [partner.pk, other_partner.pk], *window)
    assert sales == {partner.pk: 3, other_partner.pk: 0}
    assert measure("technical_certified_people", [partner.pk], *window) == {partner.pk: 1}
    assert measure("sales_certified_people", [partner.pk], date(2000, 1, 1), date(2001, 1, 1)) == {partner.pk: 0}
