"""Pages of integrations (included at the site root)."""

from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("integrations/webhooks/", views.WebhookListView.as_view(), name="webhooks"),
    path("integrations/webhooks/<int:pk>/", views.WebhookDetailView.as_view(), name="webhook_detail"),
    path(
        "integrations/webhooks/<int:pk>/<str:action>/",
        views.WebhookActionView.as_view(),
        name="webhook_action",
    ),
    path(
        "integrations/webhooks/deliveries/<int:pk>/redeliver/",
        views.RedeliverView.as_view(),
        name="redeliver",
    ),
]
