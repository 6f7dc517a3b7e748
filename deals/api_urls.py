"""Deal registration API routes (API.md: Deals). Filled by the deal registration issue."""

urlpatterns: list = []
