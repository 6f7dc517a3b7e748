"""API routes of the mdf app (API.md). Filled by its issue."""

urlpatterns: list = []
