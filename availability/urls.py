from django.urls import path

from availability import views

app_name = "availability"

urlpatterns = [
    path("availability/", views.CheckPageView.as_view(), name="check"),
    path("availability/policy/", views.PolicyPageView.as_view(), name="policy"),
]
