"""API routes of the commissions app (API.md). Filled by its issue."""

urlpatterns: list = []
