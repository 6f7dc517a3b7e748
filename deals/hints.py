"""The registration form's hint ("this account may already be registered"), limited and audited.

The hint answers yes/no about the whole customer base, so a partner could probe it name by name. Each partner
user gets DEAL_HINT_RATE_LIMIT answers (default 60 an hour, docs/hardening.md), and each answer is an audit row
on the asking user: who asked, what they typed and the yes/no they saw, never which account or partner matched.
"""

from django.core.exceptions import PermissionDenied
from rest_framework.settings import api_settings

from accounts import access
from deals import selectors
from prm.api import ClientAddressThrottle
from prm.audit import record_audit

DEFAULT_RATE = "60/hour"


class RegistrationHintThrottle(ClientAddressThrottle):
    """Per user, in the cache the API throttles use (a ClientAddressThrottle like every throttle: docs/proxies.md)."""

    scope = "deal_hint"

    def get_rate(self):
        # Read per request (as prm.api.UserApiThrottle does) so a changed setting applies without a restart.

        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or DEFAULT_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": f"user-{request.user.pk}"}


def registration_hint(*, user, customer_name: str, customer_domain: str, country: str) -> bool:
    """Whether a customer like this may already be registered; records the question and the answer."""
    if not access.is_partner_user(user):
        raise PermissionDenied
    maybe = selectors.account_may_be_registered(
        customer_name=customer_name, customer_domain=customer_domain, country=country
    )
    record_audit(
        actor=user,
        obj=user,
        action="registration_hint",
        reason="Answered: may already be registered." if maybe else "Answered: nothing found.",
        changes={
            "customer_name": customer_name,
            "customer_domain": customer_domain,
            "customer_country": country,
            "maybe_registered": maybe,
        },
        partner_id=user.partner_id,
    )
    return maybe
