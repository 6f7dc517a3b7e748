from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages that join the apps: the landing page, each role's home and the navigation."""

    name = "portal"
    verbose_name = _("Portal home pages")
