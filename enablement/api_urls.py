"""Enablement API routes (docs/api.md: Enablement)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from enablement import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("courses", api.CourseViewSet, basename="course")
router.register("quizzes", api.QuizViewSet, basename="quiz")
router.register("certifications", api.CertificationViewSet, basename="certification")
router.register("certificates", api.CertificateViewSet, basename="certificate")

urlpatterns = [
    path("lessons/<int:pk>/complete/", api.LessonCompleteView.as_view(), name="lesson-complete"),
    path("", include(router.urls)),
]
