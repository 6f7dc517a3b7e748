from django.urls import path

from portal import views

urlpatterns = [
    path("", views.landing, name="home"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
]
