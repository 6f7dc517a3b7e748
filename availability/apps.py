from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AvailabilityConfig(AppConfig):
    name = "availability"
    verbose_name = _("Private availability checks")

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from availability import (
            access,  # noqa: F401 - registers the permissions
            handlers,  # noqa: F401 - rebuilds the affected setup on a registration decision
        )
