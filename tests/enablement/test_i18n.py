"""Issue 12: the enablement pages render whole in Spanish and German, from the committed catalogues.

The pages are rendered with the committed catalogues (the `catalogues` fixture of tests/conftest.py), so a
translation whose placeholders do not match its source, or a page that breaks in another language, fails here.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from enablement import services
from enablement.models import LearningPathStep
from prm.exceptions import DomainError
from tests.enablement.factories import LearningPathFactory, right_answers, wrong_answers

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def get(client, url, lang):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, (url, lang, response.status_code)
    return response.content.decode()


@pytest.fixture
def learner_world(partner_user, certification, course):
    """A learner who finished the course, failed the exam once and passed it, on a learning path."""
    services.enrol(user=partner_user, course=course)
    for lesson in course.lessons.all():
        services.complete_lesson(user=partner_user, lesson=lesson)
    quiz = certification.exam
    failed = services.open_attempt(user=partner_user, quiz=quiz)
    failed = services.submit_attempt(user=partner_user, quiz=quiz, answers=wrong_answers(failed))
    attempt = services.open_attempt(user=partner_user, quiz=quiz)
    passed = services.submit_attempt(user=partner_user, quiz=quiz, answers=right_answers(attempt))
    path = LearningPathFactory(name="Sales track")
    LearningPathStep.objects.create(path=path, position=1, course=course)
    LearningPathStep.objects.create(path=path, position=2, certification=certification)
    return {"attempt": passed, "certificate": passed.certificate, "path": path, "quiz": quiz}


@pytest.mark.parametrize(
    ("lang", "words"),
    [("es", ["Aprender", "Certificados", "Biblioteca"]), ("de", ["Lernen", "Zertifikate", "Bibliothek"])],
)
def test_learner_pages_render_in_spanish_and_german(
    client_for, partner_user, learner_world, course, catalogues, lang, words
):
    client = client_for(partner_user)
    certificate = learner_world["certificate"]
    urls = [
        reverse("enablement:catalogue"),
        reverse("enablement:course", args=[course.pk]),
        reverse("enablement:path", args=[learner_world["path"].pk]),
        reverse("enablement:attempt", args=[learner_world["attempt"].pk]),
        reverse("enablement:certificates"),
        reverse("enablement:certificate", args=[certificate.pk]),
        reverse("enablement:library"),
        reverse("enablement:verify", args=[certificate.verification_code]),
        reverse("home"),
    ]
    bodies = {url: get(client, url, lang) for url in urls}
    catalogue = bodies[reverse("enablement:catalogue")]
    assert all(word in catalogue for word in words)
    assert "Your learning paths" not in catalogue and "Who is certified" not in catalogue
    course_page = bodies[reverse("enablement:course", args=[course.pk])]
    assert "Lessons" not in course_page and "Quizzes" not in course_page
    # Numbers inside attributes are never localised (a decimal comma would break them).
    assert 'value="100"' in course_page
    assert "Certificate verification" not in bodies[reverse("enablement:verify", args=[certificate.verification_code])]


@pytest.mark.parametrize("lang", ["es", "de"])
def test_quiz_page_and_its_plural_forms_render(client_for, partner_user, course, exam, catalogues, lang):
    services.enrol(user=partner_user, course=course)
    body = get(client_for(partner_user), reverse("enablement:quiz", args=[exam.pk]), lang)
    assert "Submit answers" not in body and "Pass mark" not in body
    assert ("Enviar respuestas" if lang == "es" else "Antworten einreichen") in body


@pytest.mark.parametrize("lang", ["es", "de"])
def test_authoring_and_overview_pages_render(
    client_for, program_admin, partner_admin, learner_world, course, exam, certification, catalogues, lang
):
    asset = services.save_library_asset(
        actor=program_admin,
        data={"title": "Battle card", "category": "battle_card"},
        file=SimpleUploadedFile("card.pdf", PDF, content_type="application/pdf"),
    )
    lesson = course.lessons.first()
    admin = client_for(program_admin)
    for url in [
        reverse("enablement:manage_courses"),
        reverse("enablement:manage_course", args=[course.pk]),
        reverse("enablement:manage_course_new"),
        reverse("enablement:manage_lesson", args=[course.pk, lesson.pk]),
        reverse("enablement:manage_quiz", args=[course.pk, exam.pk]),
        reverse("enablement:manage_certification", args=[certification.pk]),
        reverse("enablement:manage_path", args=[learner_world["path"].pk]),
        reverse("enablement:manage_asset", args=[asset.pk]),
        reverse("enablement:certified"),
    ]:
        body = get(admin, url, lang)
        assert ">Save<" not in body and "Every tier" not in body
    gaps = get(client_for(partner_admin), reverse("enablement:certified"), lang)
    assert "Who is certified" not in gaps


def test_service_messages_follow_the_active_language(partner_user, course, catalogues):
    quiz = course.quizzes.create(title="Empty")
    with translation.override("de"), pytest.raises(services.NotEnrolled) as not_enrolled:
        services.open_attempt(user=partner_user, quiz=quiz)
    assert not_enrolled.value.message == "Schreiben Sie sich zuerst in den Kurs ein."
    services.enrol(user=partner_user, course=course)
    with translation.override("es"), pytest.raises(DomainError) as empty:
        services.open_attempt(user=partner_user, quiz=quiz)
    assert empty.value.message == "Este cuestionario aún no tiene preguntas."
