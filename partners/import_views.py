"""Pages of the partner import (/partners/import/...): upload with dry run, progress, error report, sample."""

from partners import imports  # noqa: F401  (registers the "partners" import spec)
from prm.import_views import ImportProgressView, ImportReportView, ImportSampleView, ImportUploadView


class PartnerImportMixin:
    kind = "partners"
    url_base = "partners:import"


class PartnerImportView(PartnerImportMixin, ImportUploadView):
    template_name = "partners/import.html"


class PartnerImportProgressView(PartnerImportMixin, ImportProgressView):
    pass


class PartnerImportReportView(PartnerImportMixin, ImportReportView):
    pass


class PartnerImportSampleView(PartnerImportMixin, ImportSampleView):
    pass
