"""Quiz attempts: the standing, the random draw, and scoring a submission once."""

import random
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from enablement import scoring
from enablement.models import (
    Certificate,
    Certification,
    Choice,
    Enrolment,
    Question,
    Quiz,
    QuizAttempt,
)
from enablement.services.certificates import issue_if_eligible
from enablement.services.learning import complete_course_if_done, enrolment_of
from prm import formatting
from prm.audit import record_audit
from prm.exceptions import Conflict, DomainError
from prm.guards import require_standing

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
        when = formatting.moment(standing["available_at"])
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
    """The caller's current draw of the quiz: fixed until it is submitted."""
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
            complete_course_if_done(enrolment, actor=user)
            for certification in Certification.objects.filter(exam=quiz, active=True):
                # Completing the exam's own course may already have issued it for this attempt.
                certificate = Certificate.objects.filter(
                    user=user, certification=certification, attempt=attempt
                ).first()
                certificate = certificate or issue_if_eligible(user=user, certification=certification, attempt=attempt)
                attempt.certificate = certificate or attempt.certificate
    attempt.standing = attempt_standing(enrolment, quiz)
    return attempt
