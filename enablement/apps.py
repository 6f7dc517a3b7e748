from django.apps import AppConfig


class EnablementConfig(AppConfig):
    name = "enablement"
    verbose_name = "Enablement"

    def ready(self):
        # register event types, notices, tier providers, and the credential route under receipts' URL names
        from enablement import credential_routes, events, providers  # noqa: F401
