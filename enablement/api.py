"""Enablement API (docs/api.md: Enablement). Thin: parse, call a service or selector, serialise.

Correct answers never leave the server: no read serializer here has an `is_correct` field; the quiz
authoring serializer takes it write-only.
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from enablement import selectors, services
from enablement.models import (
    Certificate,
    CertificateStatus,
    Certification,
    CertificationKind,
    Course,
    CourseKind,
    EnrolmentStatus,
    Lesson,
    QuestionKind,
    Quiz,
)
from partners.models import PartnerType, Tier
from prm import inputs
from prm.api import IsoDateTimeFilter
from prm.exceptions import Conflict
from prm.tenancy import get_visible_or_404

# --- Read serializers ---------------------------------------------------------------------------------


class LessonSerializer(serializers.ModelSerializer):
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = ["id", "position", "title", "body", "video_url", "has_attachment"]

    def get_has_attachment(self, lesson) -> bool:
        return bool(lesson.attachment)


class QuizSummarySerializer(serializers.ModelSerializer):
    question_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Quiz
        fields = [
            "id",
            "title",
            "pass_mark",
            "attempt_limit",
            "cooldown_minutes",
            "time_limit_minutes",
            "questions_per_attempt",
            "question_count",
        ]


class CourseSerializer(serializers.ModelSerializer):
    audience_types = serializers.ListField(source="audience_type_list", read_only=True)
    min_tier = serializers.IntegerField(source="min_tier_id", read_only=True, allow_null=True)
    min_tier_name = serializers.CharField(source="min_tier.name", read_only=True, default=None, allow_null=True)
    lessons = LessonSerializer(many=True, read_only=True)
    quizzes = QuizSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "summary",
            "kind",
            "audience_types",
            "min_tier",
            "min_tier_name",
            "estimated_minutes",
            "published",
            "lessons",
            "quizzes",
            "updated_at",
        ]


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.IntegerField()
    user = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    enrolled_at = serializers.DateTimeField(read_only=True)


class LessonCompletedSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    enrolment = serializers.IntegerField()
    course = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices, help_text="The enrolment's status.")
    completed_lessons = serializers.ListField(child=serializers.IntegerField())
    percent = serializers.IntegerField(min_value=0, max_value=100)


class DrawChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class DrawQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    choices = DrawChoiceSerializer(many=True)


class DrawAttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    attempt_number = serializers.IntegerField()
    started_at = serializers.DateTimeField(read_only=True)
    deadline = serializers.DateTimeField(allow_null=True, read_only=True)


class BlockedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class QuizDrawSerializer(serializers.Serializer):
    """The caller's current draw: questions and choices, never which choices are right."""

    id = serializers.IntegerField()
    course = serializers.IntegerField()
    title = serializers.CharField()
    pass_mark = serializers.IntegerField()
    attempt_limit = serializers.IntegerField()
    cooldown_minutes = serializers.IntegerField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    attempt = DrawAttemptSerializer(allow_null=True, help_text="The open attempt; null while blocked.")
    attempts_left = serializers.IntegerField(allow_null=True, help_text="null: no limit.")
    available_at = serializers.DateTimeField(
        allow_null=True, read_only=True, help_text="When the cool-down ends; null: now."
    )
    blocked = BlockedSerializer(allow_null=True, help_text="Why no attempt can start now (limit or cool-down).")
    questions = DrawQuestionSerializer(many=True)


class AuthoredQuizSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.IntegerField()
    title = serializers.CharField()
    pass_mark = serializers.IntegerField()
    attempt_limit = serializers.IntegerField()
    cooldown_minutes = serializers.IntegerField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    questions_per_attempt = serializers.IntegerField(allow_null=True)
    questions = DrawQuestionSerializer(many=True)


class CertificateSerializer(serializers.ModelSerializer):
    certification = serializers.IntegerField(source="certification_id", read_only=True)
    certification_name = serializers.CharField(source="certification.name", read_only=True)
    kind = serializers.CharField(source="certification.kind", read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    user_email = serializers.CharField(source="user.email", read_only=True)
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    status = serializers.ChoiceField(
        source="current_status", choices=CertificateStatus.choices, read_only=True, help_text="As of now."
    )
    verify_url = serializers.CharField(read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "certification",
            "certification_name",
            "kind",
            "user",
            "user_email",
            "partner",
            "issued_at",
            "expires_at",
            "verification_code",
            "status",
            "verify_url",
        ]


class CertificationSerializer(serializers.ModelSerializer):
    required_courses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    exam = serializers.IntegerField(source="exam_id", read_only=True)

    class Meta:
        model = Certification
        fields = ["id", "name", "kind", "description", "required_courses", "exam", "validity_months", "active"]


# --- Write serializers --------------------------------------------------------------------------------


class LessonInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    video_url = serializers.URLField(required=False, allow_blank=True, default="")


class CourseWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=CourseKind.choices)
    audience_types = serializers.ListField(child=serializers.ChoiceField(choices=PartnerType.choices), required=False)
    min_tier = serializers.PrimaryKeyRelatedField(queryset=Tier.objects.all(), allow_null=True, required=False)
    estimated_minutes = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    published = serializers.BooleanField(required=False)
    lessons = LessonInputSerializer(many=True, required=False)


class ChoiceInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    is_correct = serializers.BooleanField(write_only=True, default=False)


class QuestionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    choices = ChoiceInputSerializer(many=True)


class QuizWriteSerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    title = serializers.CharField(max_length=200)
    pass_mark = serializers.IntegerField(min_value=0, max_value=100)
    attempt_limit = serializers.IntegerField(min_value=0, max_value=100, default=3)
    cooldown_minutes = serializers.IntegerField(min_value=0, max_value=525_600, default=0)
    time_limit_minutes = serializers.IntegerField(min_value=1, max_value=1440, required=False, allow_null=True)
    questions_per_attempt = serializers.IntegerField(min_value=1, max_value=500, required=False, allow_null=True)
    questions = QuestionInputSerializer(many=True, allow_empty=False)


class CertificationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=CertificationKind.choices)
    description = serializers.CharField(required=False, allow_blank=True)
    required_courses = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all(), many=True, required=False)
    exam = serializers.PrimaryKeyRelatedField(queryset=Quiz.objects.all())
    validity_months = serializers.IntegerField(min_value=1, max_value=120, required=False)

    def validate_name(self, value):
        if Certification.objects.filter(name__iexact=value).exists():
            raise serializers.ValidationError(gettext("A certification of this name exists."))
        return value


class AttemptInputSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField(min_value=1)))


class AttemptResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.IntegerField()
    passed = serializers.BooleanField()
    attempts_left = serializers.IntegerField(allow_null=True)
    certificate = serializers.IntegerField(allow_null=True)


def _require_program_admin(user) -> None:
    if user.role != Role.PROGRAM_ADMIN:
        raise PermissionDenied(gettext("Only program admins author enablement content."))


# --- Views --------------------------------------------------------------------------------------------


def quiz_summaries():
    return Prefetch("quizzes", Quiz.objects.annotate(question_count=Count("questions")))


class CourseApiFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CourseKind.choices)
    published = django_filters.BooleanFilter()
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (ISO 8601), for sync"
    )

    class Meta:
        model = Course
        fields = ["kind", "published", "updated_since"]


class CertificationApiFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CertificationKind.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = Certification
        fields = ["kind", "active"]


class CertificateApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices, method="filter_status")
    kind = django_filters.ChoiceFilter(field_name="certification__kind", choices=CertificationKind.choices)
    certification = django_filters.NumberFilter(field_name="certification_id")
    user = django_filters.NumberFilter(field_name="user_id")
    issued_after = inputs.DateFilter(field_name="issued_at", lookup_expr="date__gte")
    issued_before = inputs.DateFilter(field_name="issued_at", lookup_expr="date__lte")
    expires_before = inputs.DateFilter(field_name="expires_at", lookup_expr="date__lte")

    class Meta:
        model = Certificate
        fields = ["status", "kind", "certification", "user", "issued_after", "issued_before", "expires_before"]

    def filter_status(self, queryset, name, value):
        """The status as the API shows it: a valid certificate past its expiry reads as expired."""
        now = timezone.now()
        if value == CertificateStatus.VALID:
            return queryset.filter(status=CertificateStatus.VALID, expires_at__gt=now)
        if value == CertificateStatus.EXPIRED:
            return queryset.filter(status__in=[CertificateStatus.VALID, CertificateStatus.EXPIRED]).exclude(
                status=CertificateStatus.VALID, expires_at__gt=now
            )
        return queryset.filter(status=value)


@extend_schema_view(
    list=extend_schema(summary="Courses the caller may take (partner users: by tier and partner type)"),
    retrieve=extend_schema(summary="One course with ordered lessons and quizzes"),
)
class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CourseSerializer
    filterset_class = CourseApiFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Course.objects.visible_to(self.request.user)
            .select_related("min_tier")
            .prefetch_related("lessons", quiz_summaries())
            .order_by("title", "id")
        )

    def _render(self, course, code=status.HTTP_200_OK):
        course = self.get_queryset().get(pk=course.pk)
        return Response(CourseSerializer(course).data, status=code)

    @extend_schema(request=CourseWriteSerializer, responses={201: CourseSerializer}, summary="Author a course")
    def create(self, request):
        _require_program_admin(request.user)
        serializer = CourseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lessons = data.pop("lessons", None)
        course = services.save_course(actor=request.user, data=data, lessons=lessons)
        return self._render(course, status.HTTP_201_CREATED)

    @extend_schema(request=CourseWriteSerializer, responses={200: CourseSerializer}, summary="Edit a course")
    def partial_update(self, request, pk=None):
        course = self.get_object()
        _require_program_admin(request.user)
        serializer = CourseWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lessons = data.pop("lessons", None)
        course = services.save_course(actor=request.user, course=course, data=data, lessons=lessons)
        return self._render(course)

    @extend_schema(
        request=None,
        responses={200: EnrolmentSerializer, 201: EnrolmentSerializer},
        summary="Enrol (201, or 200 with the existing enrolment)",
    )
    @action(detail=True, methods=["post"])
    def enroll(self, request, pk=None):
        course = self.get_object()
        enrolment, created = services.enrol(user=request.user, course=course)
        body = {
            "id": enrolment.pk,
            "course": course.pk,
            "user": enrolment.user_id,
            "status": enrolment.status,
            "enrolled_at": enrolment.enrolled_at,
        }
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(EnrolmentSerializer(body).data, status=code)


class LessonCompleteView(APIView):
    @extend_schema(request=None, responses=LessonCompletedSerializer, summary="Mark a lesson complete (enrolled user)")
    def post(self, request, pk):
        lesson = get_visible_or_404(Lesson.objects.select_related("course"), request.user, pk=pk)
        enrolment = services.complete_lesson(user=request.user, lesson=lesson)
        progress = selectors.course_page(request.user, lesson.course)
        body = {
            "lesson": lesson.pk,
            "enrolment": enrolment.pk,
            "course": lesson.course_id,
            "status": enrolment.status,
            "completed_lessons": sorted(progress["done_lessons"]),
            "percent": progress["percent"],
        }
        return Response(LessonCompletedSerializer(body).data)


def _draw_payload(quiz: Quiz, attempt, standing: dict | None, blocked: Conflict | None) -> dict:
    questions = []
    if attempt is not None:
        for question in selectors.attempt_questions(attempt):
            questions.append(
                {
                    "id": question.pk,
                    "text": question.text,
                    "kind": question.kind,
                    "choices": [{"id": choice.pk, "text": choice.text} for choice in question.choices.all()],
                }
            )
    return {
        "id": quiz.pk,
        "course": quiz.course_id,
        "title": quiz.title,
        "pass_mark": quiz.pass_mark,
        "attempt_limit": quiz.attempt_limit,
        "cooldown_minutes": quiz.cooldown_minutes,
        "time_limit_minutes": quiz.time_limit_minutes,
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
    serializer_class = QuizSummarySerializer

    def get_queryset(self):
        return Quiz.objects.visible_to(self.request.user).select_related("course")

    @extend_schema(
        responses=QuizDrawSerializer,
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
        return Response(QuizDrawSerializer(_draw_payload(quiz, attempt, standing, blocked)).data)

    @extend_schema(
        request=QuizWriteSerializer,
        responses={201: AuthoredQuizSerializer},
        summary="Author a quiz (is_correct is write-only)",
    )
    def create(self, request):
        _require_program_admin(request.user)
        serializer = QuizWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        course, questions = data.pop("course"), data.pop("questions")
        quiz = services.save_quiz(actor=request.user, course=course, data=data, questions=questions)
        body = {
            "id": quiz.pk,
            "course": course.pk,
            "title": quiz.title,
            "pass_mark": quiz.pass_mark,
            "attempt_limit": quiz.attempt_limit,
            "cooldown_minutes": quiz.cooldown_minutes,
            "time_limit_minutes": quiz.time_limit_minutes,
            "questions_per_attempt": quiz.questions_per_attempt,
            "questions": [
                {
                    "id": question.pk,
                    "text": question.text,
                    "kind": question.kind,
                    "choices": [{"id": c.pk, "text": c.text} for c in question.choices.all()],
                }
                for question in quiz.questions.prefetch_related("choices")
            ],
        }
        return Response(AuthoredQuizSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AttemptInputSerializer,
        responses={201: AttemptResultSerializer},
        summary="Submit the current draw; 409 past the attempt limit or inside the cool-down",
    )
    @action(detail=True, methods=["post"])
    def attempts(self, request, pk=None):
        quiz = self.get_object()
        serializer = AttemptInputSerializer(data=request.data)
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


@extend_schema_view(
    list=extend_schema(summary="Certifications the program offers"),
    retrieve=extend_schema(summary="One certification"),
)
class CertificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CertificationSerializer
    filterset_class = CertificationApiFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            Certification.objects.visible_to(self.request.user)
            .prefetch_related("required_courses")
            .order_by("name", "id")
        )

    @extend_schema(
        request=CertificationWriteSerializer, responses={201: CertificationSerializer}, summary="Author a certification"
    )
    def create(self, request):
        _require_program_admin(request.user)
        serializer = CertificationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification = services.save_certification(actor=request.user, data=dict(serializer.validated_data))
        return Response(CertificationSerializer(certification).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Certificates: own (partner admin: whole org; internal: all)"),
    retrieve=extend_schema(summary="One certificate; 404 outside what the caller may see"),
)
class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CertificateSerializer
    filterset_class = CertificateApiFilter

    def get_queryset(self):
        return selectors.certificates(self.request.user).order_by("-issued_at", "-id")
