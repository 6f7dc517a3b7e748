"""allauth signals the login rules listen to (docs/login.md)."""

from allauth.account.signals import password_changed, password_reset
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import ngettext


@receiver(password_changed)
@receiver(password_reset)
def say_that_api_tokens_were_revoked(sender, request, user, **kwargs):
    """User.save revoked the API tokens when the password changed; the page that changed it says so."""
    count = getattr(user, "api_tokens_revoked", 0)
    if count and request is not None:
        messages.warning(
            request,
            ngettext(
                "Your API token was revoked with the old password. Create a new one for the integration that used it.",
                "Your %(count)s API tokens were revoked with the old password. Create new ones for the integrations "
                "that used them.",
                count,
            )
            % {"count": count},
        )
