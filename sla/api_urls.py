"""Service levels (REST API v1)."""

from django.urls import path

from sla.api import SlaItemsView, SlaSummaryView

urlpatterns = [
    path("sla/items/", SlaItemsView.as_view(), name="sla-items"),
    path("sla/summary/", SlaSummaryView.as_view(), name="sla-summary"),
]
