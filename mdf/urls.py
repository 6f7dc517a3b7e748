"""Pages of the mdf app. Filled by its issue."""

app_name = "mdf"

urlpatterns: list = []
