"""Quizzes in the API: the caller's draw, authoring and submitting attempts."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import access
from enablement import selectors, services
from enablement.api import serializers as s
from enablement.models import Quiz
from prm.exceptions import Conflict


def _question(question) -> dict:
    """A question and its choices, never which choices are right."""
    choices = [{"id": choice.pk, "text": choice.text} for choice in question.choices.all()]
    return {"id": question.pk, "text": question.text, "kind": question.kind, "choices": choices}


def _quiz_settings(quiz: Quiz) -> dict:
    return {
        "id": quiz.pk,
        "course": quiz.course_id,
        "title": quiz.title,
        "pass_mark": quiz.pass_mark,
        "attempt_limit": quiz.attempt_limit,
        "cooldown_minutes": quiz.cooldown_minutes,
        "time_limit_minutes": quiz.time_limit_minutes,
    }


def _draw_payload(quiz: Quiz, attempt, standing: dict | None, blocked: Conflict | None) -> dict:
    questions = [_question(question) for question in selectors.attempt_questions(attempt)] if attempt else []
    return {
        **_quiz_settings(quiz),
        "attempt": (
            {
                "id": attempt.pk,
                "attempt_number": attempt.attempt_number,
                "started_at": attempt.started_at,
                "deadline": attempt.deadline,
            }
            if attempt is not None
            else None
        ),
        "attempts_left": standing["attempts_left"] if standing else None,
        "available_at": standing["available_at"] if standing else None,
        "blocked": {"detail": blocked.message, "code": blocked.code} if blocked else None,
        "questions": questions,
    }


class QuizViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = s.QuizSummarySerializer

    def get_queryset(self):
        return Quiz.objects.visible_to(self.request.user).select_related("course")

    @extend_schema(
        responses=s.QuizDrawSerializer,
        summary="The caller's current draw of questions, never the answers (403 not_enrolled otherwise)",
    )
    def retrieve(self, request, pk=None):
        quiz = self.get_object()
        enrolment = services.enrolment_of(request.user, quiz.course_id)
        attempt, blocked = None, None
        try:
            attempt = services.open_attempt(user=request.user, quiz=quiz)
        except Conflict as error:  # attempt limit or cool-down: no new draw until it passes
            blocked = error
        standing = services.attempt_standing(enrolment, quiz)
        return Response(s.QuizDrawSerializer(_draw_payload(quiz, attempt, standing, blocked)).data)

    @extend_schema(
        request=s.QuizWriteSerializer,
        responses={201: s.AuthoredQuizSerializer},
        summary="Author a quiz (is_correct is write-only)",
    )
    def create(self, request):
        access.require(request.user, "enablement.author")
        serializer = s.QuizWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        course, questions = data.pop("course"), data.pop("questions")
        quiz = services.save_quiz(actor=request.user, course=course, data=data, questions=questions)
        body = {
            **_quiz_settings(quiz),
            "questions_per_attempt": quiz.questions_per_attempt,
            "questions": [_question(question) for question in quiz.questions.prefetch_related("choices")],
        }
        return Response(s.AuthoredQuizSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.AttemptInputSerializer,
        responses={201: s.AttemptResultSerializer},
        summary="Submit the current draw; 409 past the attempt limit or inside the cool-down",
    )
    @action(detail=True, methods=["post"])
    def attempts(self, request, pk=None):
        quiz = self.get_object()
        serializer = s.AttemptInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attempt = services.submit_attempt(user=request.user, quiz=quiz, answers=serializer.validated_data["answers"])
        body = {
            "id": attempt.pk,
            "score": attempt.score,
            "passed": attempt.passed,
            "attempts_left": attempt.standing["attempts_left"],
            "certificate": attempt.certificate.pk if attempt.certificate else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)
