from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from integrations import events  # noqa: F401 - registers the webhook fan-out and the pause notice
