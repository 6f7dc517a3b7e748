"""Routes of the public REST API v1 (the API doc). Each app keeps its routes in its own api_urls.py."""

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, include, path, re_path, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import DefaultRouter

from accounts.api import ApiTokenViewSet, MeView, ObtainTokenView


@csrf_exempt
def api_not_found(request):
    """A path under /api/v1/ that names no endpoint: 404 `{detail}` as JSON, whatever the method. A GET of a
    known endpoint without its trailing slash is still redirected to it, as Django's APPEND_SLASH would."""
    if request.method in ("GET", "HEAD") and not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "api-not-found":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return JsonResponse({"detail": _("Not found.")}, status=404)


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
    path("", include("directory.api_urls")),
    path("", include("availability.api_urls")),
    # Last: any other path under /api/v1/ is a JSON 404 (the API doc: JSON in and out), not Django's HTML page.
    re_path(r"^.*$", api_not_found, name="api-not-found"),
]
