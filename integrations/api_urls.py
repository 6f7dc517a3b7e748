"""REST API v1 routes of integrations (the API doc: Webhooks), included under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from integrations.api import DeliveryAttemptsView, RedeliverView, WebhookViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("webhooks", WebhookViewSet, basename="webhook")

urlpatterns = [
    path("webhooks/deliveries/<int:pk>/redeliver/", RedeliverView.as_view(), name="api-webhook-redeliver"),
    path(
        "webhooks/deliveries/<int:pk>/attempts/", DeliveryAttemptsView.as_view(), name="api-webhook-delivery-attempts"
    ),
    path("", include(router.urls)),
]
