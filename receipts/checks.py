"""System check: a production host must be given its signing keys (receipts and credentials)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def signing_keys_configured(app_configs=None, **kwargs):
    if settings.DEBUG or settings.SIGNING_KEYS:
        return []
    return [
        Warning(
            "SIGNING_KEYS is empty: registration receipts and credentials cannot be signed.",
            hint="Run `manage.py signing_keys generate` and set SIGNING_KEYS in the environment.",
            id="receipts.W001",
        )
    ]
