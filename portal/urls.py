from django.urls import path

from portal import settings_hub, views

urlpatterns = [
    path("", views.landing, name="home"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("settings/", settings_hub.SettingsHubView.as_view(), name="settings"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
]
