"""Enablement pages, at the site root (DESIGN.md: Pages): /learn/..., /library/..., /verify/<code>/."""

from django.urls import path

from enablement import views

app_name = "enablement"

urlpatterns = [
    path("learn/", views.CatalogueView.as_view(), name="catalogue"),
    path("learn/courses/<int:pk>/", views.CourseView.as_view(), name="course"),
    path("learn/courses/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("learn/lessons/<int:pk>/complete/", views.complete_lesson, name="complete_lesson"),
    path("learn/lessons/<int:pk>/file/", views.lesson_attachment, name="lesson_file"),
    path("learn/quizzes/<int:pk>/", views.QuizView.as_view(), name="quiz"),
    path("learn/attempts/<int:pk>/", views.attempt_result, name="attempt"),
    path("learn/paths/<int:pk>/", views.PathView.as_view(), name="path"),
    path("learn/certificates/", views.CertificateListView.as_view(), name="certificates"),
    path("learn/certificates/<int:pk>/", views.certificate_detail, name="certificate"),
    path("learn/certificates/<int:pk>/badge.png", views.certificate_badge, name="certificate_badge"),
    path("learn/certificates/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("learn/certified/", views.CertifiedView.as_view(), name="certified"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/badge.png", views.verify_badge, name="verify_badge"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("library/<int:pk>/download/", views.library_download, name="library_download"),
    path("library/<int:pk>/versions/<int:number>/download/", views.library_download, name="library_version"),
    # Authoring (program admins)
    path("learn/manage/", views.ManageCoursesView.as_view(), name="manage_courses"),
    path("learn/manage/courses/new/", views.CourseEditView.as_view(), name="manage_course_new"),
    path("learn/manage/courses/<int:pk>/", views.CourseEditView.as_view(), name="manage_course"),
    path("learn/manage/courses/<int:course_pk>/lessons/new/", views.LessonEditView.as_view(), name="manage_lesson_new"),
    path(
        "learn/manage/courses/<int:course_pk>/lessons/<int:pk>/", views.LessonEditView.as_view(), name="manage_lesson"
    ),
    path("learn/manage/courses/<int:course_pk>/quizzes/new/", views.QuizEditView.as_view(), name="manage_quiz_new"),
    path("learn/manage/courses/<int:course_pk>/quizzes/<int:pk>/", views.QuizEditView.as_view(), name="manage_quiz"),
    path("learn/manage/certifications/new/", views.CertificationEditView.as_view(), name="manage_certification_new"),
    path("learn/manage/certifications/<int:pk>/", views.CertificationEditView.as_view(), name="manage_certification"),
    path("learn/manage/paths/new/", views.PathEditView.as_view(), name="manage_path_new"),
    path("learn/manage/paths/<int:pk>/", views.PathEditView.as_view(), name="manage_path"),
    path("library/manage/new/", views.LibraryAssetEditView.as_view(), name="manage_asset_new"),
    path("library/manage/<int:pk>/", views.LibraryAssetEditView.as_view(), name="manage_asset"),
]
