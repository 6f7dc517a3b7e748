from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FxConfig(AppConfig):
    name = "fx"
    verbose_name = _("Exchange rates")

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from fx import events  # noqa: F401 - the fx event types and the missing-rate notice to finance
