"""Deal registration pages (/deals/..., /leads/...)."""

from django.urls import path

from deals import history_views, views

app_name = "deals"

urlpatterns = [
    path("deals/", views.DealListView.as_view(), name="list"),
    path("deals/new/", views.RegistrationView.as_view(), name="register"),
    path("deals/new/hint/", views.registration_hint, name="hint"),
    path("deals/review/", views.ReviewQueueView.as_view(), name="review"),
    path("deals/review/bulk-approve/", views.bulk_approve, name="bulk_approve"),
    path("deals/accounts/import/", views.AccountImportView.as_view(), name="import"),
    path("deals/accounts/import/<int:pk>/", views.import_progress, name="import_progress"),
    path("deals/import-history/", history_views.DealHistoryImportView.as_view(), name="import_history"),
    path(
        "deals/import-history/sample.csv", history_views.DealHistorySampleView.as_view(), name="import_history_sample"
    ),
    path(
        "deals/import-history/<int:pk>/",
        history_views.DealHistoryProgressView.as_view(),
        name="import_history_progress",
    ),
    path(
        "deals/import-history/<int:pk>/errors.csv",
        history_views.DealHistoryReportView.as_view(),
        name="import_history_report",
    ),
    path("deals/<int:pk>/", views.DealDetailView.as_view(), name="detail"),
    path(
        "deals/<int:pk>/<slug:action>/",
        views.deal_action,
        name="action",
    ),
    path("leads/", views.LeadListView.as_view(), name="leads"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:pk>/<slug:action>/", views.lead_action, name="lead_action"),
]
