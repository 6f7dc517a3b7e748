from django.apps import AppConfig


class EnablementConfig(AppConfig):
    name = "enablement"
    verbose_name = "Enablement"

    def ready(self):
        from enablement import (  # noqa: F401  (register event types, notices, tier providers)
            events,
            exports,  # noqa: F401 - registers its sections of the organisation export
            providers,
        )
