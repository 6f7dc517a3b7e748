from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = _("Signed registration receipts and verifiable credentials")

    def ready(self):
        from receipts import (  # noqa: F401 - registers the receipt handlers and the key check
            checks,
            exports,  # noqa: F401 - registers its sections of the organisation export
            handlers,
        )
