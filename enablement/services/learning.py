"""Learning: enrolment, lesson progress, course completion, and the steps of learning paths."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import access
from enablement.models import (
    Certificate,
    Certification,
    Course,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonCompletion,
    QuizAttempt,
)
from enablement.services.certificates import issue_if_eligible
from enablement.services.progress import record_learner_event, record_path_steps
from prm.audit import record_audit
from prm.exceptions import DomainError
from prm.guards import require_standing


class NotEnrolled(DomainError):
    status_code = 403
    default_code = "not_enrolled"

    def __init__(self, message=None):
        super().__init__(message or gettext("Enrol in the course first."))


# --- Learning ----------------------------------------------------------------------------------------


def enrol(*, user, course: Course) -> tuple[Enrolment, bool]:
    """Enrol a partner user in a course they may take; enrolling twice returns the first enrolment."""
    # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    access.require(user, "enablement.enrol")
    if not Course.objects.visible_to(user).filter(pk=course.pk).exists():
        raise DomainError(gettext("This course is not available to you."), code="not_available")
    existing = Enrolment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(user=user, partner_id=user.partner_id, course=course)
            record_audit(actor=user, obj=enrolment, action="enrol", to_state=enrolment.status)
    except IntegrityError:  # a concurrent enrolment won; it is the enrolment
        return Enrolment.objects.get(user=user, course=course), False
    return enrolment, True


def enrolment_of(user, course_id) -> Enrolment:
    enrolment = Enrolment.objects.filter(user=user, course_id=course_id).first() if user.is_authenticated else None
    if enrolment is None:
        raise NotEnrolled()
    return enrolment


def complete_lesson(*, user, lesson: Lesson) -> Enrolment:
    """Mark a lesson done for its enrolled learner (twice is harmless) and complete the course when all is done."""
    require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    enrolment = enrolment_of(user, lesson.course_id)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        LessonCompletion.objects.get_or_create(enrolment=enrolment, lesson=lesson)
        complete_course_if_done(enrolment, actor=user)
    return enrolment


def complete_course_if_done(enrolment: Enrolment, *, actor) -> bool:
    """Called with the enrolment row locked. Done = every lesson completed and every quiz passed."""
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return False
    course = enrolment.course
    lesson_ids = set(course.lessons.values_list("pk", flat=True))
    done_lessons = set(enrolment.lesson_completions.values_list("lesson_id", flat=True))
    quiz_ids = set(course.quizzes.values_list("pk", flat=True))
    passed = set(enrolment.attempts.filter(passed=True).values_list("quiz_id", flat=True))
    if not lesson_ids <= done_lessons or not quiz_ids <= passed:
        return False
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["status", "completed_at"])
    record_audit(actor=actor, obj=enrolment, action="complete", from_state="in_progress", to_state="completed")
    record_learner_event(
        "course.completed",
        record=enrolment,
        actor=actor,
        course_id=course.pk,
        course_kind=course.kind,
        course_title=course.title,
    )
    record_path_steps(user=enrolment.user, course=course, certification=None)
    # A course may be the last missing requirement of a certification whose exam is already passed.
    for certification in Certification.objects.filter(required_courses=course, active=True):
        passed_exam = (
            QuizAttempt.objects.filter(enrolment__user=enrolment.user, quiz=certification.exam, passed=True)
            .order_by("-submitted_at")
            .first()
        )
        if (
            passed_exam is not None
            and not Certificate.objects.filter(user=enrolment.user, certification=certification).exists()
        ):
            issue_if_eligible(user=enrolment.user, certification=certification, attempt=passed_exam)
    return True
