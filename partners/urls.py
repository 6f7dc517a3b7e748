from django.urls import path

from partners import export_views, import_views
from partners.views import lifecycle, profile, program, tiers

app_name = "partners"

urlpatterns = [
    path("", profile.PartnerDirectoryView.as_view(), name="directory"),
    path("tier-review/", program.TierReviewPreviewView.as_view(), name="tier_review_preview"),
    path("tier-reviews/<int:pk>/", program.TierReviewDetailView.as_view(), name="tier_review"),
    path("tiers/", tiers.TierListView.as_view(), name="tiers"),
    path("tiers/new/", tiers.TierEditView.as_view(), name="tier_new"),
    path("tiers/<int:pk>/", tiers.TierEditView.as_view(), name="tier_edit"),
    path("program/", program.ProgramSettingsView.as_view(), name="program_settings"),
    path("import/", import_views.PartnerImportView.as_view(), name="import"),
    path("import/sample.csv", import_views.PartnerImportSampleView.as_view(), name="import_sample"),
    path("import/<int:pk>/", import_views.PartnerImportProgressView.as_view(), name="import_progress"),
    path("import/<int:pk>/errors.csv", import_views.PartnerImportReportView.as_view(), name="import_report"),
    path("<int:pk>/", profile.PartnerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", profile.PartnerEditView.as_view(), name="edit"),
    path("<int:pk>/panels/<slug:name>/", profile.PartnerPanelView.as_view(), name="panel"),
    path("<int:pk>/opp/", lifecycle.PartnerOppView.as_view(), name="opp"),
    path("<int:pk>/plans/", lifecycle.BusinessPlanListView.as_view(), name="plans"),
    path("<int:pk>/plans/<int:plan_id>/", lifecycle.BusinessPlanDetailView.as_view(), name="plan"),
    path("<int:pk>/export/", export_views.PartnerDataExportView.as_view(), name="export"),
    path("<int:pk>/lifecycle/<slug:action>/", lifecycle.PartnerLifecycleActionView.as_view(), name="lifecycle"),
    path("<int:pk>/<slug:action>/", profile.PartnerActionView.as_view(), name="action"),
]
