from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deal registration"

    def ready(self):
        from deals import (  # noqa: F401 - registers event types, notices and tier providers
            events,
            exports,  # noqa: F401 - registers its sections of the organisation export
            providers,
        )
