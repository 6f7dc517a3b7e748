"""Registration disputes (REST API v1)."""

from django.urls import path  # noqa: F401

urlpatterns = []
