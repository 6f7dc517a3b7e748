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

urlpatterns = [
    path("lessons/<int:pk>/complete/", courses.LessonCompleteView.as_view(), name="lesson-complete"),
    path(
        "certificates/<int:pk>/credential/",
        certifications.CertificateCredentialView.as_view(),
        name="certificate-credential",
    ),
    path("", include(router.urls)),
]
