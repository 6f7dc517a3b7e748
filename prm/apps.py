from django.apps import AppConfig


class PrmConfig(AppConfig):
    name = "prm"
    verbose_name = "Portal core"

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from prm import notifications  # noqa: F401  (registers the notification handler)
        from prm.api import refuse_numbers_as_text

        refuse_numbers_as_text()
