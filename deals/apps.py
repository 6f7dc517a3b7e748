from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deal registration"

    def ready(self):
        from deals import events, providers, sla_kinds  # noqa: F401 - registers event types, notices, tier providers, SLA kinds
        from deals.registration import simulation_run
        from policy import simulation

        simulation.register_runner(simulation_run.run_simulation)  # policy's task replays through deals
        from deals import exports  # noqa: F401 - registers its sections of the organisation export
