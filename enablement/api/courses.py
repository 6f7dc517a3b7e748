"""Courses and lessons in the API: the catalogue, authoring, enrolment and lesson completion."""

import django_filters
from django.db.models import Count, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import access
from enablement import selectors, services
from enablement.api import serializers as s
from enablement.models import Course, CourseKind, Lesson, Quiz
from prm.api import IsoDateTimeFilter
from prm.tenancy import get_visible_or_404


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


@extend_schema_view(
    list=extend_schema(summary="Courses the caller may take (partner users: by tier and partner type)"),
    retrieve=extend_schema(summary="One course with ordered lessons and quizzes"),
)
class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CourseSerializer
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
        return Response(s.CourseSerializer(course).data, status=code)

    @extend_schema(request=s.CourseWriteSerializer, responses={201: s.CourseSerializer}, summary="Author a course")
    def create(self, request):
        access.require(request.user, "enablement.author")
        serializer = s.CourseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lessons = data.pop("lessons", None)
        course = services.save_course(actor=request.user, data=data, lessons=lessons)
        return self._render(course, status.HTTP_201_CREATED)

    @extend_schema(request=s.CourseWriteSerializer, responses={200: s.CourseSerializer}, summary="Edit a course")
    def partial_update(self, request, pk=None):
        course = self.get_object()
        access.require(request.user, "enablement.author")
        serializer = s.CourseWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lessons = data.pop("lessons", None)
        course = services.save_course(actor=request.user, course=course, data=data, lessons=lessons)
        return self._render(course)

    @extend_schema(
        request=None,
        responses={200: s.EnrolmentSerializer, 201: s.EnrolmentSerializer},
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
        return Response(s.EnrolmentSerializer(body).data, status=code)


class LessonViewSet(viewsets.GenericViewSet):
    # Actions on one lesson (POST /lessons/{id}/complete/); lessons are read through their course.

    queryset = Lesson.objects.none()  # names the model of the URL's object; each action scopes its own read
    lookup_value_converter = "int"

    @extend_schema(
        request=None, responses=s.LessonCompletedSerializer, summary="Mark a lesson complete (enrolled user)"
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
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
        return Response(s.LessonCompletedSerializer(body).data)
