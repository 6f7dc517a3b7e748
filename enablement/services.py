"""Every write of enablement: enrolment, progress, quiz attempts, certificates, authoring, the library.

Each function takes keyword arguments, checks role and state, runs in one transaction, and records the
audit row and the domain event there (DESIGN.md: Events).
"""

import random
from calendar import monthrange
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import Role
from enablement import scoring
from enablement.models import (
    Certificate,
    CertificateReminder,
    CertificateStatus,
    Certification,
    Choice,
    Course,
    Enrolment,
    EnrolmentStatus,
    LearningPath,
    LearningPathStep,
    Lesson,
    LessonCompletion,
    LibraryAsset,
    LibraryAssetVersion,
    Question,
    QuestionKind,
    Quiz,
    QuizAttempt,
    ReminderKind,
    encode_types,
)
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict, DomainError
from prm.guards import require_standing


class NotEnrolled(DomainError):
    status_code = 403
    default_code = "not_enrolled"

    def __init__(self, message=None):
        super().__init__(message or gettext("Enrol in the course first."))


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def _require_program_admin(actor) -> None:
    if actor is None or actor.role != Role.PROGRAM_ADMIN:
        raise PermissionDenied(gettext("Only program admins author enablement content."))


# --- Learning ----------------------------------------------------------------------------------------


def enrol(*, user, course: Course) -> tuple[Enrolment, bool]:
    """Enrol a partner user in a course they may take; enrolling twice returns the first enrolment."""
    require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    if not user.is_partner_user:
        raise PermissionDenied(gettext("Only partner users enrol in courses."))
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
        _complete_course_if_done(enrolment, actor=user)
    return enrolment


def _complete_course_if_done(enrolment: Enrolment, *, actor) -> bool:
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
    record_event(
        "course.completed",
        actor=actor,
        partner=enrolment.partner,
        subject=enrolment,
        payload={
            "partner_id": enrolment.partner_id,
            "user_id": enrolment.user_id,
            "course_id": course.pk,
            "course_kind": course.kind,
            "course_title": course.title,
        },
    )
    _record_path_steps(user=enrolment.user, course=course, certification=None)
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
            _issue_if_eligible(user=enrolment.user, certification=certification, attempt=passed_exam)
    return True


# --- Quizzes -----------------------------------------------------------------------------------------


def attempt_standing(enrolment: Enrolment, quiz: Quiz, now=None) -> dict:
    """How many attempts are left and when the next may start. The limit counts failures since the last pass,
    so a certified person can still recertify."""
    now = now or timezone.now()
    submitted = list(
        QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz, submitted_at__isnull=False)
        .order_by("-attempt_number")
        .values("attempt_number", "passed", "submitted_at")
    )
    failures = 0
    for row in submitted:
        if row["passed"]:
            break
        failures += 1
    attempts_left = max(quiz.attempt_limit - failures, 0) if quiz.attempt_limit else None
    available_at = None
    if submitted and quiz.cooldown_minutes:
        available_at = submitted[0]["submitted_at"] + timedelta(minutes=quiz.cooldown_minutes)
        if available_at <= now:
            available_at = None
    return {
        "attempts_left": attempts_left,
        "available_at": available_at,
        "total": QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).count(),
    }


def _check_may_attempt(standing: dict) -> None:
    if standing["attempts_left"] == 0:
        raise Conflict(gettext("You have used every attempt at this quiz."), code="attempt_limit_reached")
    if standing["available_at"] is not None:
        when = date_format(timezone.localtime(standing["available_at"]), "SHORT_DATETIME_FORMAT")
        raise Conflict(gettext("You can try again after %(when)s.") % {"when": when}, code="cooldown")


def _open_attempt_locked(enrolment: Enrolment, quiz: Quiz) -> QuizAttempt:
    """With the enrolment row locked: the open attempt, or a new one with a fresh random draw."""
    attempt = QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz, submitted_at__isnull=True).first()
    if attempt is not None:
        return attempt
    standing = attempt_standing(enrolment, quiz)
    _check_may_attempt(standing)
    pool = list(quiz.questions.values_list("pk", flat=True))
    if not pool:
        raise DomainError(gettext("This quiz has no questions yet."), code="quiz_empty")
    size = quiz.questions_per_attempt or len(pool)
    draw = random.SystemRandom().sample(pool, min(size, len(pool)))
    return QuizAttempt.objects.create(
        enrolment=enrolment, quiz=quiz, attempt_number=standing["total"] + 1, question_ids=draw
    )


def open_attempt(*, user, quiz: Quiz) -> QuizAttempt:
    """The caller's current draw of the quiz: fixed until it is submitted (issue 6)."""
    require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    enrolment = enrolment_of(user, quiz.course_id)
    existing = QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz, submitted_at__isnull=True).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        return _open_attempt_locked(enrolment, quiz)


def _parse_answers(answers, question_ids: list[int]) -> dict[int, set[int]]:
    """{"<question id>": [choice ids]} for questions of the draw; anything else is a 400 with a clear message."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": [gettext('Send an object {"<question id>": [<choice id>, ...]}.')]})
    parsed: dict[int, set[int]] = {}
    for key, chosen in answers.items():
        try:
            question_id = int(key)
        except (TypeError, ValueError):
            raise ValidationError(
                {"answers": [gettext("%(key)s is not a question id.") % {"key": repr(str(key)[:40])}]}
            ) from None
        if question_id not in question_ids:
            raise ValidationError(
                {"answers": [gettext("Question %(id)s is not part of this attempt.") % {"id": question_id}]}
            )
        if not isinstance(chosen, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in chosen):
            raise ValidationError(
                {"answers": [gettext("Answer question %(id)s with a list of choice ids.") % {"id": question_id}]}
            )
        parsed[question_id] = set(chosen)
    valid = set(Choice.objects.filter(question_id__in=parsed).values_list("question_id", "pk"))
    for question_id, chosen in parsed.items():
        for choice_id in chosen:
            if (question_id, choice_id) not in valid:
                message = gettext("Choice %(choice)s does not belong to question %(question)s.")
                raise ValidationError({"answers": [message % {"choice": choice_id, "question": question_id}]})
    return parsed


def submit_attempt(*, user, quiz: Quiz, answers) -> QuizAttempt:
    """Score the caller's open draw on the server, store the attempt, and certify on a passed exam.

    The enrolment row is locked first, so two racing submissions are serialised: the second sees the first
    one's attempt submitted and meets the attempt limit or the cool-down (409); the unique attempt number and
    the one-open-attempt constraint back that up.
    """
    require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    enrolment = enrolment_of(user, quiz.course_id)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().select_related("course", "partner").get(pk=enrolment.pk)
        attempt = _open_attempt_locked(enrolment, quiz)
        parsed = _parse_answers(answers, attempt.question_ids)
        now = timezone.now()
        questions = Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
        deadline = attempt.deadline
        attempt.timed_out = bool(deadline and now > deadline + timedelta(seconds=30))
        percent, _ = scoring.score(questions, {} if attempt.timed_out else parsed)
        attempt.answers = {str(q): sorted(c) for q, c in parsed.items()}
        attempt.score = percent
        attempt.passed = percent >= quiz.pass_mark and not attempt.timed_out
        attempt.submitted_at = now
        attempt.save(update_fields=["answers", "score", "passed", "submitted_at", "timed_out"])
        record_audit(
            actor=user,
            obj=enrolment,
            action="submit_attempt",
            to_state="passed" if attempt.passed else "failed",
            changes={"quiz_id": quiz.pk, "attempt": attempt.attempt_number, "score": percent},
        )
        attempt.certificate = None
        if attempt.passed:
            _complete_course_if_done(enrolment, actor=user)
            for certification in Certification.objects.filter(exam=quiz, active=True):
                # Completing the exam's own course may already have issued it for this attempt.
                certificate = Certificate.objects.filter(
                    user=user, certification=certification, attempt=attempt
                ).first()
                certificate = certificate or _issue_if_eligible(user=user, certification=certification, attempt=attempt)
                attempt.certificate = certificate or attempt.certificate
    attempt.standing = attempt_standing(enrolment, quiz)
    return attempt


# --- Certificates ------------------------------------------------------------------------------------


def _issue_if_eligible(*, user, certification: Certification, attempt) -> Certificate | None:
    required = set(certification.required_courses.values_list("pk", flat=True))
    completed = set(
        Enrolment.objects.filter(user=user, course_id__in=required, status=EnrolmentStatus.COMPLETED).values_list(
            "course_id", flat=True
        )
    )
    if required - completed:
        return None
    if Certificate.objects.filter(user=user, certification=certification, status=CertificateStatus.REVOKED).exists():
        return None  # a revoked certificate is not renewed by passing again; the program admin decides
    return issue_certificate(user=user, certification=certification, attempt=attempt, actor=user)


def issue_certificate(*, user, certification: Certification, attempt=None, actor=None, now=None) -> Certificate:
    """Issue the certificate, or renew the person's existing one (recertification) from now on."""
    now = now or timezone.now()
    expires_at = add_months(now, certification.validity_months)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(user=user, certification=certification).first()
        renewed = certificate is not None
        if certificate is None:
            certificate = Certificate.objects.create(
                certification=certification,
                user=user,
                partner_id=user.partner_id,
                issued_at=now,
                expires_at=expires_at,
                attempt=attempt,
            )
            from_state = ""
        else:
            from_state = certificate.status
            certificate.issued_at, certificate.expires_at = now, expires_at
            certificate.status = CertificateStatus.VALID
            certificate.renewals = F("renewals") + 1
            certificate.attempt = attempt
            certificate.save(update_fields=["issued_at", "expires_at", "status", "renewals", "attempt"])
            certificate.refresh_from_db()
        record_audit(
            actor=actor,
            obj=certificate,
            action="renew" if renewed else "issue",
            from_state=from_state,
            to_state="valid",
        )
        record_event(
            "certification.issued",
            actor=actor,
            partner=certificate.partner,
            subject=certificate,
            payload={
                "certificate_id": certificate.pk,
                "user_id": user.pk,
                "user": user.email,
                "partner_id": certificate.partner_id,
                "certification": certification.name,
                "certification_id": certification.pk,
                "kind": certification.kind,
                "renewed": renewed,
                "expires_at": certificate.expires_at.isoformat(),
            },
        )
        _record_path_steps(user=user, course=None, certification=certification)
    return certificate


def revoke_certificate(*, certificate: Certificate, actor, reason: str) -> Certificate:
    if actor is None or actor.role != Role.PROGRAM_ADMIN:
        raise PermissionDenied(gettext("Only program admins revoke certificates."))
    if not reason.strip():
        raise ValidationError({"reason": [gettext("Say why the certificate is revoked.")]})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status == CertificateStatus.REVOKED:
            raise Conflict(gettext("The certificate is already revoked."), code="already_revoked")
        from_state = certificate.status
        certificate.status = CertificateStatus.REVOKED
        certificate.save(update_fields=["status"])
        record_audit(
            actor=actor, obj=certificate, action="revoke", from_state=from_state, to_state="revoked", reason=reason
        )
    return certificate


def _claim_reminder(certificate: Certificate, kind: str) -> bool:
    """Record that a reminder for this expiry date is sent; False when it already was (idempotent)."""
    try:
        with transaction.atomic():
            CertificateReminder.objects.create(certificate=certificate, kind=kind, expires_at=certificate.expires_at)
    except IntegrityError:
        return False
    return True


def expire_certificates(*, now=None) -> int:
    """Mark valid certificates past their expiry as expired, once each, with the `certification.expired` event."""
    now = now or timezone.now()
    count = 0
    for pk in (
        Certificate.objects.filter(status=CertificateStatus.VALID, expires_at__lte=now)
        .values_list("pk", flat=True)
        .iterator(chunk_size=500)
    ):
        with transaction.atomic():
            # The conditional update claims the row: a second run (or a second worker) changes nothing.
            if not Certificate.objects.filter(pk=pk, status=CertificateStatus.VALID, expires_at__lte=now).update(
                status=CertificateStatus.EXPIRED
            ):
                continue
            certificate = Certificate.objects.select_related("certification", "user", "partner").get(pk=pk)
            _claim_reminder(certificate, ReminderKind.EXPIRED)
            record_audit(actor=None, obj=certificate, action="expire", from_state="valid", to_state="expired")
            record_event(
                "certification.expired",
                partner=certificate.partner,
                subject=certificate,
                payload=_reminder_payload(certificate, ReminderKind.EXPIRED),
            )
            count += 1
    return count


def _reminder_payload(certificate: Certificate, kind: str) -> dict:
    return {
        "certificate_id": certificate.pk,
        "user_id": certificate.user_id,
        "certification": certificate.certification.name,
        "expires_at": certificate.expires_at.isoformat(),
        "reminder": kind,
    }


def send_expiry_reminders(*, now=None) -> int:
    """Reminders 30 and 7 days before expiry; each (certificate, kind, expiry date) is sent once."""
    now = now or timezone.now()
    sent = 0
    for kind, days in ((ReminderKind.DAYS_7, 7), (ReminderKind.DAYS_30, 30)):
        due = (
            Certificate.objects.filter(
                status=CertificateStatus.VALID, expires_at__gt=now, expires_at__lte=now + timedelta(days=days)
            )
            .exclude(reminders__kind=kind, reminders__expires_at=F("expires_at"))
            .select_related("certification", "user", "partner")
        )
        for certificate in due.iterator(chunk_size=500):
            if kind == ReminderKind.DAYS_30 and certificate.expires_at <= now + timedelta(days=7):
                continue  # inside 7 days the 7-day reminder speaks; never both at once
            with transaction.atomic():
                if not _claim_reminder(certificate, kind):
                    continue
                record_event(
                    "certification.expiring",
                    partner=certificate.partner,
                    subject=certificate,
                    payload=_reminder_payload(certificate, kind),
                )
                sent += 1
    return sent


# --- Learning paths ----------------------------------------------------------------------------------


def _record_path_steps(*, user, course, certification) -> None:
    """A finished step of a path the learner follows: the "well done, here is your next step" event."""
    from enablement import selectors

    if not user.is_partner_user:
        return
    steps = LearningPathStep.objects.filter(path__in=LearningPath.objects.visible_to(user))
    steps = steps.filter(course=course) if course is not None else steps.filter(certification=certification)
    for step in steps.select_related("path"):
        progress = selectors.path_progress(step.path, user)
        upcoming = progress["next_step"]
        record_event(
            "learning_path.step_completed",
            actor=user,
            partner=user.partner,
            subject=step.path,
            payload={
                "user_id": user.pk,
                "path_id": step.path_id,
                "path": step.path.name,
                "step": step.title,
                "next_step": upcoming.title if upcoming else "",
                "next_url": upcoming.url if upcoming else step.path.get_absolute_url(),
                "percent": progress["percent"],
            },
        )


# --- Authoring ---------------------------------------------------------------------------------------


COURSE_FIELDS = ("title", "summary", "kind", "min_tier", "estimated_minutes", "published")


def _apply(obj, data: dict, fields) -> dict:
    changes = {}
    for field in fields:
        if field in data:
            value = data[field]
            if getattr(obj, field, None) != value:
                changes[field] = str(value)
            setattr(obj, field, value)
    return changes


def save_course(*, actor, course: Course | None = None, data: dict, lessons: list[dict] | None = None) -> Course:
    """Create or update a course; `lessons` (ordered) replaces the lessons position by position when given."""
    _require_program_admin(actor)
    with transaction.atomic():
        creating = course is None
        course = course or Course()
        changes = _apply(course, data, COURSE_FIELDS)
        if "audience_types" in data:
            course.audience_types = encode_types(data["audience_types"])
        course.full_clean()
        course.save()
        if lessons is not None:
            _replace_lessons(course, lessons)
        record_audit(actor=actor, obj=course, action="create" if creating else "update", changes=changes)
    return course


def _replace_lessons(course: Course, lessons: list[dict]) -> None:
    existing = list(course.lessons.order_by("position", "id"))
    for position, values in enumerate(lessons, start=1):
        lesson = existing[position - 1] if position <= len(existing) else Lesson(course=course)
        lesson.position = position
        for field in ("title", "body", "video_url", "attachment"):
            if field in values and (field != "attachment" or values[field]):
                setattr(lesson, field, values[field] or ("" if field != "attachment" else None))
        lesson.full_clean()
        lesson.save()
    for surplus in existing[len(lessons) :]:
        surplus.delete()


def save_lesson(*, actor, course: Course, lesson: Lesson | None = None, data: dict) -> Lesson:
    _require_program_admin(actor)
    with transaction.atomic():
        lesson = lesson or Lesson(course=course, position=(course.lessons.count() + 1))
        for field in ("title", "body", "video_url", "position"):
            if field in data:
                setattr(lesson, field, data[field])
        if data.get("attachment"):
            lesson.attachment = data["attachment"]
        if data.get("clear_attachment"):
            lesson.attachment = None
        lesson.full_clean()
        lesson.save()
        record_audit(actor=actor, obj=course, action="save_lesson", changes={"lesson": lesson.title})
    return lesson


def delete_lesson(*, actor, lesson: Lesson) -> None:
    _require_program_admin(actor)
    with transaction.atomic():
        record_audit(actor=actor, obj=lesson.course, action="delete_lesson", changes={"lesson": lesson.title})
        lesson.delete()


def validate_questions(questions: list[dict]) -> None:
    errors = []
    if not questions:
        errors.append(gettext("Add at least one question."))
    for number, question in enumerate(questions, start=1):
        choices = question.get("choices") or []
        correct = sum(1 for c in choices if c.get("is_correct"))
        if not str(question.get("text", "")).strip():
            errors.append(gettext("Question %(number)s needs a text.") % {"number": number})
        if len(choices) < 2:
            errors.append(gettext("Question %(number)s needs at least two choices.") % {"number": number})
        if question.get("kind", QuestionKind.SINGLE) == QuestionKind.SINGLE and correct != 1:
            errors.append(
                gettext("Question %(number)s is single choice: mark exactly one choice correct.") % {"number": number}
            )
        elif correct < 1:
            errors.append(gettext("Question %(number)s needs at least one correct choice.") % {"number": number})
    if errors:
        raise ValidationError({"questions": errors})


QUIZ_FIELDS = (
    "title",
    "pass_mark",
    "attempt_limit",
    "cooldown_minutes",
    "time_limit_minutes",
    "questions_per_attempt",
    "position",
)


def save_quiz(*, actor, course: Course, quiz: Quiz | None = None, data: dict, questions: list[dict] | None) -> Quiz:
    """Create or update a quiz; `questions` (with choices and is_correct) replaces the pool when given."""
    _require_program_admin(actor)
    if questions is not None:
        validate_questions(questions)
    with transaction.atomic():
        creating = quiz is None
        quiz = quiz or Quiz(course=course, position=course.quizzes.count() + 1)
        changes = _apply(quiz, data, QUIZ_FIELDS)
        quiz.full_clean()
        quiz.save()
        if questions is not None:
            # Submitted attempts keep their answers and scores; open draws refer to the old pool, so close them.
            QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=True).delete()
            quiz.questions.all().delete()
            for q_pos, question in enumerate(questions, start=1):
                created = Question.objects.create(
                    quiz=quiz, position=q_pos, text=question["text"], kind=question.get("kind", QuestionKind.SINGLE)
                )
                Choice.objects.bulk_create(
                    Choice(question=created, position=c_pos, text=c["text"], is_correct=bool(c.get("is_correct")))
                    for c_pos, c in enumerate(question["choices"], start=1)
                )
            changes["questions"] = len(questions)
        record_audit(actor=actor, obj=course, action="create_quiz" if creating else "update_quiz", changes=changes)
    return quiz


def save_certification(*, actor, certification: Certification | None = None, data: dict) -> Certification:
    _require_program_admin(actor)
    with transaction.atomic():
        creating = certification is None
        certification = certification or Certification()
        changes = _apply(certification, data, ("name", "kind", "description", "exam", "validity_months", "active"))
        certification.full_clean()
        certification.save()
        if "required_courses" in data:
            certification.required_courses.set(data["required_courses"])
        record_audit(actor=actor, obj=certification, action="create" if creating else "update", changes=changes)
    return certification


def save_learning_path(*, actor, path: LearningPath | None = None, data: dict, steps: list) -> LearningPath:
    """Create or update a path; `steps` is the ordered list of Course or Certification objects."""
    _require_program_admin(actor)
    with transaction.atomic():
        creating = path is None
        path = path or LearningPath()
        changes = _apply(path, data, ("name", "description", "min_tier", "published"))
        if "audience_types" in data:
            path.audience_types = encode_types(data["audience_types"])
        path.full_clean()
        path.save()
        path.steps.all().delete()
        LearningPathStep.objects.bulk_create(
            LearningPathStep(
                path=path,
                position=position,
                course=step if isinstance(step, Course) else None,
                certification=step if isinstance(step, Certification) else None,
            )
            for position, step in enumerate(steps, start=1)
        )
        record_audit(actor=actor, obj=path, action="create" if creating else "update", changes=changes)
    return path


# --- Content library ---------------------------------------------------------------------------------


def save_library_asset(*, actor, asset: LibraryAsset | None = None, data: dict, file=None, notes="") -> LibraryAsset:
    """Create or edit an asset; a new file (required on creation) becomes its next version."""
    _require_program_admin(actor)
    if asset is None and file is None:
        raise ValidationError({"file": [gettext("Upload the first version of the file.")]})
    with transaction.atomic():
        creating = asset is None
        asset = asset or LibraryAsset()
        changes = _apply(asset, data, ("title", "description", "category", "min_tier", "published"))
        if "audience_types" in data:
            asset.audience_types = encode_types(data["audience_types"])
        asset.full_clean()
        asset.save()
        if file is not None:
            add_asset_version(actor=actor, asset=asset, file=file, notes=notes)
        record_audit(actor=actor, obj=asset, action="create" if creating else "update", changes=changes)
    return asset


def add_asset_version(*, actor, asset: LibraryAsset, file, notes="") -> LibraryAssetVersion:
    _require_program_admin(actor)
    from enablement.uploads import validate_upload

    validate_upload(file, field="file")
    with transaction.atomic():
        asset = LibraryAsset.objects.select_for_update().get(pk=asset.pk)
        latest = asset.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = LibraryAssetVersion.objects.create(
            asset=asset,
            number=latest + 1,
            file=file,
            original_name=file.name.rsplit("/", 1)[-1][:255],
            size=file.size or 0,
            notes=notes,
            uploaded_by=actor,
        )
        LibraryAsset.objects.filter(pk=asset.pk).update(updated_at=timezone.now())
        record_audit(actor=actor, obj=asset, action="add_version", to_state=f"v{version.number}")
    return version


def record_download(*, asset: LibraryAsset) -> None:
    """Count a download atomically (F() increment: concurrent downloads never lose a count)."""
    LibraryAsset.objects.filter(pk=asset.pk).update(download_count=F("download_count") + 1)
