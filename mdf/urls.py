"""Pages of the mdf app, included at the site root."""

from django.urls import path

from mdf import views

app_name = "mdf"

urlpatterns = [
    path("mdf/", views.OverviewView.as_view(), name="overview"),
    path("mdf/requests/", views.RequestListView.as_view(), name="requests"),
    path("mdf/requests/new/", views.RequestCreateView.as_view(), name="request_new"),
    path("mdf/requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path(
        "mdf/requests/<int:pk>/<str:verb>/",
        views.RequestActionView.as_view(),
        name="request_action",
    ),
    path("mdf/requests/<int:pk>/claim/new/", views.ClaimCreateView.as_view(), name="claim_new"),
    path("mdf/claims/", views.ClaimListView.as_view(), name="claims"),
    path("mdf/claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim_detail"),
    path("mdf/claims/<int:pk>/<str:verb>/", views.ClaimActionView.as_view(), name="claim_action"),
    path("mdf/proofs/<int:pk>/", views.proof_download, name="proof_download"),
    path("mdf/program/", views.ProgramView.as_view(), name="program"),
    path("mdf/program/allocate/", views.AllocateView.as_view(), name="allocate"),
    path("mdf/activities/", views.ActivityMenuView.as_view(), name="activity_menu"),
    path("mdf/activities/new/", views.ActivityTypeEditView.as_view(), name="activity_new"),
    path("mdf/activities/<int:pk>/", views.ActivityTypeEditView.as_view(), name="activity_edit"),
    path("mdf/access/", views.MdfAccessView.as_view(), name="access"),
]
