"""REST API v1 routes of integrations (the API doc: Webhooks), included under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from integrations.api import DeliveryAttemptsView, DeliveryViewSet, WebhookViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("webhooks", WebhookViewSet, basename="webhook")
# A delivery's actions, with the path converter of its URL (an id is an int).
deliveries = DefaultRouter(trailing_slash=True, use_regex_path=False)
deliveries.include_root_view = False
deliveries.include_format_suffixes = False
deliveries.register("webhooks/deliveries", DeliveryViewSet, basename="api-webhook")

urlpatterns = [
    path("", include(deliveries.urls)),
    path(
        "webhooks/deliveries/<int:pk>/attempts/", DeliveryAttemptsView.as_view(), name="api-webhook-delivery-attempts"
    ),
    path("", include(router.urls)),
]
