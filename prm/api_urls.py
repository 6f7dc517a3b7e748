"""Routes of the public REST API v1 (API.md). Each app keeps its routes in its own api_urls.py."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import ApiTokenViewSet, MeView, ObtainTokenView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tokens", ApiTokenViewSet, basename="token")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
    path("", include("partners.api_urls")),
    path("", include("deals.api_urls")),
    path("", include("enablement.api_urls")),
    path("", include("mdf.api_urls")),
    path("", include("commissions.api_urls")),
    path("", include("analytics.api_urls")),
    path("", include("integrations.api_urls")),
    path("", include("policy.api_urls")),
    path("", include("receipts.api_urls")),
    path("", include("sla.api_urls")),
    path("", include("disputes.api_urls")),
    path("", include("fx.api_urls")),
]
