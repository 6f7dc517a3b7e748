"""Commissions API routes (the API doc: Commissions)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from commissions.api import EntryViewSet, PayoutViewSet, StatementView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("commissions/entries", EntryViewSet, basename="commission-entry")
router.register("commissions/payouts", PayoutViewSet, basename="commission-payout")

urlpatterns = [
    path("commissions/statements/", StatementView.as_view(), name="commission-statements"),
    path("", include(router.urls)),
]
