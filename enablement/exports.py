"""Enablement's section of the organisation export (partners/data_export.py): enrolments, lessons,
exam attempts and certificates."""

from enablement.models import Certificate, Enrolment, LessonCompletion, QuizAttempt
from partners.data_export import DataSet, data_sets_section, register_section

ENABLEMENT_DATA_SETS = (
    DataSet(
        "enrolments.csv",
        Enrolment,
        ("id", "user__email", "course_id", "course__title", "status", "enrolled_at", "completed_at"),
    ),
    DataSet(
        "lesson_completions.csv",
        LessonCompletion,
        ("id", "enrolment_id", "lesson_id", "lesson__title", "completed_at"),
    ),
    DataSet(
        "exam_attempts.csv",
        QuizAttempt,
        (
            "id",
            "enrolment_id",
            "enrolment__user__email",
            "quiz__title",
            "attempt_number",
            "started_at",
            "submitted_at",
            "score",
            "passed",
            "timed_out",
        ),
    ),
    DataSet(
        "certificates.csv",
        Certificate,
        (
            "id",
            "certification__name",
            "certification__kind",
            "user__email",
            "verification_code",
            "issued_at",
            "expires_at",
            "status",
            "renewals",
        ),
    ),
)

register_section("enablement", data_sets_section(*ENABLEMENT_DATA_SETS), order=30)
