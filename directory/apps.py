from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    verbose_name = "Partner directory"

    def ready(self):
        # Permissions, events and the signed listing statement's route under the receipts URL names.
        from directory import access, events, statement_routes  # noqa: F401
