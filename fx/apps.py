from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FxConfig(AppConfig):
    name = "fx"
    verbose_name = _("Exchange rates")

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        # The fx.rate_missing event type and its notice to finance register on import.
        from fx import services  # noqa: F401
