"""REST API v1 routes of analytics (API.md), included under /api/v1/."""

from django.urls import path  # noqa: F401

urlpatterns = []
