from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and access"

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from accounts import (
            account_access,  # noqa: F401  (the accounts app's named permissions)
            events,  # noqa: F401  (registers the account event types)
            signals,  # noqa: F401  (the login rule's allauth receivers, docs/login.md)
        )
        from accounts.access import autodiscover

        autodiscover()  # every app's access.py declares its named permissions
