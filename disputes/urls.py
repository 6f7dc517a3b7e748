"""Registration disputes pages."""

from django.urls import path

from disputes import views

app_name = "disputes"

urlpatterns = [
    path("disputes/", views.DisputeListView.as_view(), name="list"),
    path("disputes/<int:pk>/", views.DisputeDetailView.as_view(), name="detail"),
    path("disputes/<int:pk>/<str:verb>/", views.DisputeActionView.as_view(), name="action"),
    path("disputes/files/<int:pk>/", views.file_download, name="file"),
    path("disputes/open/<int:pk>/", views.OpenDisputeView.as_view(), name="open"),
]
