from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = _("Signed registration receipts and verifiable credentials")

    def ready(self):
        from receipts import checks, handlers  # noqa: F401 - registers the receipt handlers and the key check
