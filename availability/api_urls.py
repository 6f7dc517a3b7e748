"""Private availability check (REST API v1), included under /api/v1/."""

from django.urls import path

from availability import api

urlpatterns = [
    path("availability/", api.AvailabilitySpecView.as_view(), name="availability-spec"),
    path("availability/checks/", api.AvailabilityCheckView.as_view(), name="availability-check"),
]
