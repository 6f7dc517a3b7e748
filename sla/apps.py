from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Service levels")

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from sla import events  # noqa: F401 - registers the breach event and its notice
