"""The content library: assets by tier and partner type, and their downloads."""

from django.http import Http404

from accounts.mixins import FilteredListView
from enablement import selectors, services
from enablement.filters import LibraryFilter
from enablement.models import LibraryAsset
from enablement.views.base import login_required
from prm.files import attachment_response
from prm.tenancy import get_visible_or_404


class LibraryView(FilteredListView):
    permission_required = "enablement.learn"
    template_name = "enablement/library.html"
    filterset_class = LibraryFilter
    sort_fields = {"asset": "title", "category": "category", "version": "version_count", "downloads": "download_count"}
    export_filename = "library.csv"
    export_columns = [
        ("Title", "title"),
        ("Category", "get_category_display"),
        ("Minimum tier", "min_tier.name"),
        ("Versions", "version_count"),
        ("Downloads", "download_count"),
        ("Updated", "updated_at"),
    ]

    def get_base_queryset(self):
        return selectors.library(self.request.user)


def library_download(request, pk, number=None):
    """The asset's latest (or a given) version, to people whose tier and partner type may see it; 404 otherwise."""
    login_required(request)
    asset = get_visible_or_404(LibraryAsset, request.user, pk=pk)
    versions = asset.versions.order_by("-number")
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise Http404
    response = attachment_response(version.file, version.original_name)
    services.record_download(asset=asset)
    return response
