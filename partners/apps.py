from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners and tiers"

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from partners import events, onboarding, tier_engine  # noqa: F401  (event types, subscribers, providers)
