from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from prm import views

urlpatterns = [
    path("", include("portal.urls")),
    path("healthz/", views.healthz, name="healthz"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", views.NotificationSettingsView.as_view(), name="notification_settings"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # analytics first: its partners/<id>/dashboard/ must win over partners' <id>/<action>/ (POST-only) route.
    path("", include("analytics.urls")),
    path("", include("directory.urls")),  # before partners/: /partners/find/ is the public directory
    path("partners/", include("partners.urls")),
    path("", include("partners.public_urls")),
    path("", include("deals.urls")),
    path("", include("enablement.urls")),
    path("", include("mdf.urls")),
    path("", include("commissions.urls")),
    path("", include("integrations.urls")),
    path("", include("policy.urls")),
    path("", include("receipts.urls")),
    path("", include("sla.urls")),
    path("", include("disputes.urls")),
    path("", include("fx.urls")),
    path("", include("availability.urls")),
    # One way to log in (docs/login.md): the admin's own login would skip the second factor and allauth's
    # throttles, so it hands over to allauth's, keeping ?next=.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI styles its widgets inline; only this page relaxes style-src (scripts stay 'self').
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

admin.site.site_header = "PRM portal administration"
handler403 = "prm.views.permission_denied"
