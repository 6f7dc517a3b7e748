from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Registration disputes")

    def ready(self):
        from disputes import events  # noqa: F401 - registers event types and notices
        from disputes.files import MAX_FILES
        from prm.files import MB, register_upload_limits

        def dispute_files() -> int:
            return settings.DISPUTE_FILE_MAX_MB * MB * MAX_FILES

        register_upload_limits({"disputes:open": dispute_files, "dispute-list": dispute_files})
        from disputes import exports, sla_kinds  # noqa: F401 - registers its export sections and SLA kind
