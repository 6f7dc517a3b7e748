"""Rules of engagement policy (REST API v1), included under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from policy.api import PolicyViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("policies", PolicyViewSet, basename="policy")

urlpatterns = [path("", include(router.urls))]
