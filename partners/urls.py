from django.urls import path

from partners import export_views, import_views, views

app_name = "partners"

urlpatterns = [
    path("", views.PartnerDirectoryView.as_view(), name="directory"),
    path("tier-review/", views.TierReviewPreviewView.as_view(), name="tier_review_preview"),
    path("tier-reviews/<int:pk>/", views.TierReviewDetailView.as_view(), name="tier_review"),
    path("program/", views.ProgramSettingsView.as_view(), name="program_settings"),
    path("import/", import_views.PartnerImportView.as_view(), name="import"),
    path("import/sample.csv", import_views.PartnerImportSampleView.as_view(), name="import_sample"),
    path("import/<int:pk>/", import_views.PartnerImportProgressView.as_view(), name="import_progress"),
    path("import/<int:pk>/errors.csv", import_views.PartnerImportReportView.as_view(), name="import_report"),
    path("<int:pk>/", views.PartnerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PartnerEditView.as_view(), name="edit"),
    path("<int:pk>/panels/<slug:name>/", views.PartnerPanelView.as_view(), name="panel"),
    path("<int:pk>/opp/", views.PartnerOppView.as_view(), name="opp"),
    path("<int:pk>/plans/", views.BusinessPlanListView.as_view(), name="plans"),
    path("<int:pk>/plans/<int:plan_id>/", views.BusinessPlanDetailView.as_view(), name="plan"),
    path("<int:pk>/export/", export_views.PartnerDataExportView.as_view(), name="export"),
    path("<int:pk>/lifecycle/<slug:action>/", views.PartnerLifecycleActionView.as_view(), name="lifecycle"),
    path("<int:pk>/<slug:action>/", views.PartnerActionView.as_view(), name="action"),
]
