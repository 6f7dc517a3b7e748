"""Pages of the historical deal import (/deals/import-history/...): upload, progress, error report, sample."""

from deals import history_import  # noqa: F401  (registers the "deal_history" import spec)
from prm.import_views import ImportProgressView, ImportReportView, ImportSampleView, ImportUploadView


class DealHistoryMixin:
    kind = "deal_history"
    url_base = "deals:import_history"


class DealHistoryImportView(DealHistoryMixin, ImportUploadView):
    template_name = "deals/import_history.html"


class DealHistoryProgressView(DealHistoryMixin, ImportProgressView):
    pass


class DealHistoryReportView(DealHistoryMixin, ImportReportView):
    pass


class DealHistorySampleView(DealHistoryMixin, ImportSampleView):
    pass
