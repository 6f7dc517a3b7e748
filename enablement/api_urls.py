"""Enablement API routes (API.md: Enablement). Filled by the enablement issue."""

urlpatterns: list = []
