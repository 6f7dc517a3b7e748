"""Rules of engagement policy (REST API v1)."""

from django.urls import path  # noqa: F401

urlpatterns = []
