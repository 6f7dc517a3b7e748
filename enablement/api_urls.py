"""Enablement API routes (the API doc: Enablement)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from enablement.api import certifications, courses, quizzes

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("courses", courses.CourseViewSet, basename="course")
router.register("quizzes", quizzes.QuizViewSet, basename="quiz")
router.register("certifications", certifications.CertificationViewSet, basename="certification")
router.register("certificates", certifications.CertificateViewSet, basename="certificate")

# Action routes of objects without a list of their own, with the path converters of their URLs (an id is an int).
actions = DefaultRouter(trailing_slash=True, use_regex_path=False)
actions.include_root_view = False
actions.include_format_suffixes = False
actions.register("lessons", courses.LessonViewSet, basename="lesson")

urlpatterns = [
    path("", include(actions.urls)),
    path(
        "certificates/<int:pk>/credential/",
        certifications.CertificateCredentialView.as_view(),
        name="certificate-credential",
    ),
    path("", include(router.urls)),
]
