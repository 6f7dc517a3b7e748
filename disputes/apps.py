from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Registration disputes")

    def ready(self):
        from disputes import (
            events,  # noqa: F401 - registers event types and notices
            exports,  # noqa: F401 - registers its sections of the organisation export
        )
