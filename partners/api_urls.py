"""Partner API routes (the API doc: Partners)."""

from rest_framework.routers import DefaultRouter

from partners.api import ApplicationViewSet, PartnerViewSet, TierViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("partners", PartnerViewSet, basename="partner")
router.register("tiers", TierViewSet, basename="tier")
router.register("applications", ApplicationViewSet, basename="application")

urlpatterns = router.urls
