import pytest

from tests.enablement.factories import CertificationFactory, CourseFactory, LessonFactory, QuizFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def course(db):
    course = CourseFactory(title="Northwind Data Integration Basics")
    LessonFactory(course=course, position=1, title="What a pipeline is")
    LessonFactory(course=course, position=2, title="Connectors")
    return course


@pytest.fixture
def exam(course):
    """Three single-choice questions and one multiple-choice question; 75 % passes."""
    return QuizFactory(
        course=course,
        title="Basics exam",
        pass_mark=75,
        attempt_limit=2,
        questions=[
            ("single", [True, False, False]),
            ("single", [False, True, False]),
            ("single", [False, False, True]),
            ("multiple", [True, True, False]),
        ],
    )


@pytest.fixture
def certification(exam, course):
    certification = CertificationFactory(name="Certified Sales Professional", kind="sales", exam=exam)
    certification.required_courses.set([course])
    return certification
