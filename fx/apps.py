from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FxConfig(AppConfig):
    name = "fx"
    verbose_name = _("Exchange rates")

    def ready(self):
        # The fx.rate_missing event type and its notice to finance register on import.
        from fx import services  # noqa: F401
