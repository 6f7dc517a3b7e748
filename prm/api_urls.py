"""Routes of the public REST API v1 (API.md). Each app adds its viewsets here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import ApiTokenViewSet, MeView, ObtainTokenView
from partners.api import PartnerViewSet, TierViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("partners", PartnerViewSet, basename="partner")
router.register("tiers", TierViewSet, basename="tier")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
