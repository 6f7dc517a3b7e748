"""Signed registration receipts and verifiable credentials (REST API v1)."""

from django.urls import path  # noqa: F401

urlpatterns = []
