"""Enablement pages, at the site root: /learn/..., /library/..., /verify/<code>/."""

from django.urls import path

from enablement.views import authoring, certificates, learning, library

app_name = "enablement"

urlpatterns = [
    path("learn/", learning.CatalogueView.as_view(), name="catalogue"),
    path("learn/courses/<int:pk>/", learning.CourseView.as_view(), name="course"),
    path("learn/courses/<int:pk>/enrol/", learning.enrol, name="enrol"),
    path("learn/lessons/<int:pk>/complete/", learning.complete_lesson, name="complete_lesson"),
    path("learn/lessons/<int:pk>/file/", learning.lesson_attachment, name="lesson_file"),
    path("learn/quizzes/<int:pk>/", learning.QuizView.as_view(), name="quiz"),
    path("learn/attempts/<int:pk>/", learning.attempt_result, name="attempt"),
    path("learn/paths/<int:pk>/", learning.PathView.as_view(), name="path"),
    path("learn/certificates/", certificates.CertificateListView.as_view(), name="certificates"),
    path("learn/certificates/<int:pk>/", certificates.certificate_detail, name="certificate"),
    path("learn/certificates/<int:pk>/badge.png", certificates.certificate_badge, name="certificate_badge"),
    path("learn/certificates/<int:pk>/certificate.pdf", certificates.certificate_pdf, name="certificate_pdf"),
    path("learn/certified/", certificates.CertifiedView.as_view(), name="certified"),
    path("verify/<str:code>/", certificates.verify, name="verify"),
    path("verify/<str:code>/badge.png", certificates.verify_badge, name="verify_badge"),
    path("library/", library.LibraryView.as_view(), name="library"),
    path("library/<int:pk>/download/", library.library_download, name="library_download"),
    path("library/<int:pk>/versions/<int:number>/download/", library.library_download, name="library_version"),
    # Authoring (program admins)
    path("learn/manage/", authoring.ManageCoursesView.as_view(), name="manage_courses"),
    path("learn/manage/courses/new/", authoring.CourseEditView.as_view(), name="manage_course_new"),
    path("learn/manage/courses/<int:pk>/", authoring.CourseEditView.as_view(), name="manage_course"),
    path(
        "learn/manage/courses/<int:course_pk>/lessons/new/",
        authoring.LessonEditView.as_view(),
        name="manage_lesson_new",
    ),
    path(
        "learn/manage/courses/<int:course_pk>/lessons/<int:pk>/",
        authoring.LessonEditView.as_view(),
        name="manage_lesson",
    ),
    path("learn/manage/courses/<int:course_pk>/quizzes/new/", authoring.QuizEditView.as_view(), name="manage_quiz_new"),
    path(
        "learn/manage/courses/<int:course_pk>/quizzes/<int:pk>/", authoring.QuizEditView.as_view(), name="manage_quiz"
    ),
    path(
        "learn/manage/certifications/new/", authoring.CertificationEditView.as_view(), name="manage_certification_new"
    ),
    path(
        "learn/manage/certifications/<int:pk>/", authoring.CertificationEditView.as_view(), name="manage_certification"
    ),
    path("learn/manage/paths/new/", authoring.PathEditView.as_view(), name="manage_path_new"),
    path("learn/manage/paths/<int:pk>/", authoring.PathEditView.as_view(), name="manage_path"),
    path("library/manage/new/", authoring.LibraryAssetEditView.as_view(), name="manage_asset_new"),
    path("library/manage/<int:pk>/", authoring.LibraryAssetEditView.as_view(), name="manage_asset"),
]
