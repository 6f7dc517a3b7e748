"""Signed registration receipts (REST API v1)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from receipts import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("receipts", api.ReceiptViewSet, basename="receipt")

urlpatterns = [
    # Before the router: "verify" must not be read as a receipt's uuid.
    path("receipts/verify/", api.ReceiptVerifyView.as_view(), name="receipt-verify"),
    path("", include(router.urls)),
]
