"""API routes of the mdf app (the API doc: MDF)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from mdf.api import ActivityTypeViewSet, ClaimViewSet, FundViewSet, MdfAccessViewSet, ProofDownloadView, RequestViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("mdf/funds", FundViewSet, basename="mdf-fund")
router.register("mdf/activity-types", ActivityTypeViewSet, basename="mdf-activity-type")
router.register("mdf/requests", RequestViewSet, basename="mdf-request")
router.register("mdf/claims", ClaimViewSet, basename="mdf-claim")

# A partner's MDF access setting: the viewset's methods mapped by hand, so the route keeps its name.
mdf_access = MdfAccessViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"})

urlpatterns = [
    path("mdf/proofs/<int:pk>/", ProofDownloadView.as_view(), name="api-mdf-proof"),
    path("mdf/access/<int:partner_id>/", mdf_access, name="api-mdf-access"),
    path("", include(router.urls)),
]
