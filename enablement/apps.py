from django.apps import AppConfig


class EnablementConfig(AppConfig):
    name = "enablement"
    verbose_name = "Enablement"

    def ready(self):
        from enablement import events, providers  # noqa: F401  (register event types, notices, tier providers)
