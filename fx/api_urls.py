"""Exchange rates (REST API v1), included under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from fx.api import ExchangeRateViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("fx/rates", ExchangeRateViewSet, basename="fx-rate")

urlpatterns = [path("", include(router.urls))]
