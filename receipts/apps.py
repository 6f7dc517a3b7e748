from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = _("Signed registration receipts and verifiable credentials")

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from prm.files import register_upload_limits
        from receipts import checks, exports, handlers  # noqa: F401 - receipt handlers, key check, export sections
        from receipts.views import MAX_RECEIPT_BYTES

        register_upload_limits({"receipts:verify": MAX_RECEIPT_BYTES})
