"""Enablement pages (/learn/..., /verify/<code>/). Filled by the enablement issue."""

app_name = "enablement"

urlpatterns: list = []
