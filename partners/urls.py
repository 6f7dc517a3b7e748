from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.PartnerDirectoryView.as_view(), name="directory"),
    path("<int:pk>/", views.PartnerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PartnerEditView.as_view(), name="edit"),
    path("<int:pk>/<slug:action>/", views.PartnerActionView.as_view(), name="action"),
]
