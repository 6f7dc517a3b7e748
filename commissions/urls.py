"""Pages of the commissions app. Filled by its issue."""

app_name = "commissions"

urlpatterns: list = []
