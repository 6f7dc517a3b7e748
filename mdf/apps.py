from django.apps import AppConfig


class MdfConfig(AppConfig):
    name = "mdf"
    verbose_name = "Market development funds"

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from mdf import (
            deal_sourcing,
            events,  # noqa: F401 - registers event types, notices and the deal.won/reopened subscribers
            exports,  # noqa: F401 - registers its sections of the organisation export
            providers,  # noqa: F401 - registers its program terms (docs/program-terms.md)
            sla_kinds,  # noqa: F401 - registers its SLA kind (docs/sla.md)
        )

        deal_sourcing.register()  # MDF activities a deal registration may name as its source
