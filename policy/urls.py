"""Rules of engagement policy pages."""

from django.urls import path  # noqa: F401

app_name = "policy"

urlpatterns = []
