from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deal registration"

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from deals import (  # noqa: F401 - registers event types, notices, tier providers, export sections, SLA kinds
            events,
            exports,
            providers,
            sla_kinds,
        )
        from deals.registration import simulation_run
        from policy import simulation

        simulation.register_runner(simulation_run.run_simulation)  # policy's task replays through deals
