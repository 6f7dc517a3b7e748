"""Deal registration API routes (the API doc: Deals)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from deals.api import AccountImportView, DealViewSet, LeadViewSet
from deals.routing_api import LeadRouteView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("deals", DealViewSet, basename="deal")
router.register("leads", LeadViewSet, basename="lead")

urlpatterns = [
    path("accounts/import/", AccountImportView.as_view(), name="account-import"),
    path("leads/<int:pk>/route/", LeadRouteView.as_view(), name="lead-route"),
    path("", include(router.urls)),
]
