"""Rate limit of the public receipt check (page and API): per client address (prm/clientip.py), like the other
anonymous forms."""

from rest_framework.settings import api_settings

from prm.api import ClientAddressThrottle

DEFAULT_RATE = "60/hour"


class ReceiptVerifyThrottle(ClientAddressThrottle):
    scope = "receipt_verify"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or DEFAULT_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
