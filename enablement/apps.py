from django.apps import AppConfig


class EnablementConfig(AppConfig):
    name = "enablement"
    verbose_name = "Enablement"

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        # register event types, notices, tier providers, and the credential route under receipts' URL names
        from enablement import (  # noqa: F401
            credential_routes,
            events,
            exports,  # noqa: F401 - registers its sections of the organisation export
            providers,
        )
