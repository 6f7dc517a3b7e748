from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners and tiers"

    def ready(self):
        from partners import events  # noqa: F401  (registers the partner event types)
