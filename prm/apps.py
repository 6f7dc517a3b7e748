from django.apps import AppConfig


class PrmConfig(AppConfig):
    name = "prm"
    verbose_name = "Portal core"

    def ready(self):
        from prm import notifications  # noqa: F401  (registers the notification handler)
        from prm.api import refuse_numbers_as_text

        refuse_numbers_as_text()
