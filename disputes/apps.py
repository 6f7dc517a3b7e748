from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Registration disputes")

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from disputes import events, exports, sla_kinds  # noqa: F401 - event types, notices, export sections, SLA kind
        from disputes.files import MAX_FILES
        from prm.files import MB, register_upload_limits

        def dispute_files() -> int:
            return settings.DISPUTE_FILE_MAX_MB * MB * MAX_FILES

        register_upload_limits({"disputes:open": dispute_files, "dispute-list": dispute_files})
