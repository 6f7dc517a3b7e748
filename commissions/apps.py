from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"
    verbose_name = "Commissions"

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from commissions import (
            events,  # noqa: F401 - registers event types, subscribers and notices
            exports,  # noqa: F401 - registers its sections of the organisation export
            providers,  # noqa: F401 - registers its program terms (docs/program-terms.md)
            sla_kinds,  # noqa: F401 - registers its SLA kind (docs/sla.md)
        )
