"""Deal registration pages (/deals/..., /leads/...). Filled by the deal registration issue."""

app_name = "deals"

urlpatterns: list = []
