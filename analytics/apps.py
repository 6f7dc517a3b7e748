from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self):
        # Event handlers (dirty partners for incremental rollups) and the tier engine's scorecard provider.
        # Each module registers itself on import; add yours here.
        # imported in ready(): these modules use models, which load only after every app's models module
        from analytics import (  # noqa: F401
            deal_import_handlers,
            events,
            exports,  # noqa: F401 - registers its sections of the organisation export
            fx_handlers,
            handlers,
            providers,
        )
