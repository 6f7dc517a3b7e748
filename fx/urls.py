"""Exchange rates pages."""

from django.urls import path

from fx import views

app_name = "fx"

urlpatterns = [
    path("fx/rates/", views.RateListView.as_view(), name="rates"),
    path("fx/rates/new/", views.RateCreateView.as_view(), name="rate_new"),
]
