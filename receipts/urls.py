"""Signed registration receipts and verifiable credentials pages."""

from django.urls import path  # noqa: F401

app_name = "receipts"

urlpatterns = []
