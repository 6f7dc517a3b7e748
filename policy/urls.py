"""Rules of engagement policy pages (included at the site root)."""

from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    path("policy/", views.PolicyListView.as_view(), name="list"),
    path("policy/new/", views.PolicyNewView.as_view(), name="new"),
    path("policy/<int:pk>/", views.PolicyDetailView.as_view(), name="detail"),
    path("policy/<int:pk>/edit/", views.PolicyEditView.as_view(), name="edit"),
    path("policy/<int:pk>/simulate/", views.SimulationView.as_view(), name="simulate"),
    path(
        "policy/<int:pk>/simulate/<int:simulation_pk>/progress/",
        views.SimulationProgressView.as_view(),
        name="simulation_progress",
    ),
    path("policy/<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
]
