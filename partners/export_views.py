"""POST /partners/<id>/export/: download everything the portal holds about one organisation."""

from django.http import HttpResponse
from django.views import View

from accounts.mixins import PermissionRequiredMixin
from partners.data_export import export_organisation
from partners.models import Partner
from prm.tenancy import get_visible_or_404


class PartnerDataExportView(PermissionRequiredMixin, View):
    """A POST (it writes an audit row) answered with the ZIP as an attachment.

    Another partner's id is a 404 (tenancy); a partner user, channel manager or finance user is a 403.
    """

    http_method_names = ["post"]

    def post(self, request, pk):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        filename, content = export_organisation(user=request.user, partner=partner)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
