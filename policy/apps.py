from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("Rules of engagement policy")

    def ready(self):
        # imported in ready(): these modules use models, which load only after every app's models module
        from policy import (
            events,  # noqa: F401 - registers the policy event types and notices
            providers,  # noqa: F401 - registers its program terms (docs/program-terms.md)
        )
