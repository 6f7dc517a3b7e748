"""Partner pages outside /partners/: the public application form and the recruit queue."""

from django.urls import path

from partners import recruiting_views as views

app_name = "partners_public"

urlpatterns = [
    path("partner-with-us/", views.PartnerWithUsView.as_view(), name="partner_with_us"),
    path("partner-with-us/thanks/", views.apply_thanks, name="apply_thanks"),
    path("applications/", views.ApplicationQueueView.as_view(), name="applications"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application"),
    path("applications/<int:pk>/<slug:action>/", views.ApplicationActionView.as_view(), name="application_action"),
]
