from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = _("Signed registration receipts and verifiable credentials")

    def ready(self):
        from prm.files import register_upload_limits
        from receipts import checks, handlers  # noqa: F401 - registers the receipt handlers and the key check
        from receipts.views import MAX_RECEIPT_BYTES

        register_upload_limits({"receipts:verify": MAX_RECEIPT_BYTES})
        from receipts import exports  # noqa: F401 - registers its sections of the organisation export
