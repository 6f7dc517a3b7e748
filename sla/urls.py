"""Service levels pages."""

from django.urls import path

from sla import views

app_name = "sla"

urlpatterns = [
    path("sla/", views.OpenItemsView.as_view(), name="items"),
    path("sla/breaches/", views.BreachHistoryView.as_view(), name="breaches"),
]
