"""POST /api/v1/leads/{id}/route/: a channel manager asks the routing rules to place a vendor lead (the API doc:
Deals and leads; docs/directory.md). Directory leads are routed on arrival."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from deals import routing
from deals.api import LeadSerializer
from deals.models import Lead
from prm.exceptions import Conflict
from prm.tenancy import get_visible_or_404


class LeadRouteView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: LeadSerializer,
            409: OpenApiResponse(description="`no_partner`: no active rule matches or no partner qualifies."),
        },
        summary="Route a lead by the active routing rules (channel manager)",
    )
    def post(self, request, pk):
        lead = get_visible_or_404(Lead, request.user, pk=pk)
        access.require(request.user, "deals.assign_lead")
        hop = routing.route_lead(lead=lead, actor=request.user)
        if hop is None:
            raise Conflict(_("No routing rule matches this lead or no partner qualifies."), code="no_partner")
        return Response(LeadSerializer(Lead.objects.get(pk=lead.pk)).data)
