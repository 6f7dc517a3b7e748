"""Journey: a partner user takes a course, passes the exam, downloads the badge and opens the public
verification page (Chromium, phone-sized viewport)."""

import pytest
from django.conf import settings
from django.test import Client

from enablement.models import Certificate, Certification, Choice, Course, Lesson, Question, Quiz

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def catalogue(db):
    course = Course.objects.create(title="Northwind Flow fundamentals", kind="sales", published=True, summary="Basics.")
    Lesson.objects.create(course=course, position=1, title="The problem we solve", body="Data moves **reliably**.")
    quiz = Quiz.objects.create(course=course, title="Sales exam", pass_mark=100, attempt_limit=3)
    for position, (text, choices) in enumerate(
        [
            ("What is Flow priced by?", [("Monthly active rows", True), ("Number of users", False)]),
            ("Who is the economic buyer?", [("The CIO or CFO", True), ("A data analyst", False)]),
        ],
        start=1,
    ):
        question = Question.objects.create(quiz=quiz, position=position, text=text, kind="single")
        for c_pos, (choice, correct) in enumerate(choices, start=1):
            Choice.objects.create(question=question, position=c_pos, text=choice, is_correct=correct)
    certification = Certification.objects.create(name="Certified Sales Professional", kind="sales", exam=quiz)
    certification.required_courses.set([course])
    return course


def log_in(page, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.url_base,
            }
        ]
    )


def test_partner_user_earns_and_verifies_a_certificate(partner_user, catalogue, browser_page, live_server):
    page = browser_page
    page.url_base = live_server.url
    log_in(page, partner_user)
    page.goto("/learn/")
    page.get_by_role("link", name="Northwind Flow fundamentals").click()
    page.get_by_test_id("enrol").click()
    page.get_by_test_id("complete-lesson").click()
    page.get_by_test_id("take-quiz").click()
    for label in ("Monthly active rows", "The CIO or CFO"):
        page.get_by_label(label).check()
    page.get_by_test_id("submit-quiz").click()
    assert page.get_by_test_id("attempt-result").inner_text().strip().endswith("Passed")
    page.get_by_test_id("certificate-link").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("download-badge").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".png")
    with open(download.path(), "rb") as badge:
        assert badge.read(8) == b"\x89PNG\r\n\x1a\n"
    code = Certificate.objects.get(user=partner_user).verification_code
    page.context.clear_cookies()
    page.goto(f"/verify/{code}/")
    assert "Valid" in page.get_by_test_id("verify-status").inner_text()
    assert page.get_by_test_id("verify-certification").inner_text() == "Certified Sales Professional"
    assert page.csp_violations == [], page.csp_violations
