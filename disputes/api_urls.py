"""Registration disputes (REST API v1)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from disputes.api import DisputeFileView, DisputeViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("disputes", DisputeViewSet, basename="dispute")

urlpatterns = [
    path("disputes/files/<int:pk>/", DisputeFileView.as_view(), name="api-dispute-file"),
    path("", include(router.urls)),
]
