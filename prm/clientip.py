"""The client's address: the one rule every throttle, rate limit and recorded address goes through.

docs/proxies.md describes it. `TRUSTED_PROXY_COUNT` is the number of reverse proxies in front of the portal
that each append the address they received the request from to `X-Forwarded-For`:

- 0 (the default, no proxy): the header is ignored, the client is `REMOTE_ADDR`;
- n > 0: the client is the n-th hop from the right (DRF's `NUM_PROXIES` rule, allauth's
  `ALLAUTH_TRUSTED_PROXY_COUNT` rule); anything a client wrote into the header itself stands left of it and is
  never read. With fewer hops than n the leftmost is taken (DRF's choice: a request that skipped a proxy).
  A request without the header did not pass through the proxies: `REMOTE_ADDR`. A hop that is not an IP
  address falls back to `REMOTE_ADDR` (the nearest proxy), so garbage never opens a fresh rate-limit bucket.

No other module reads `REMOTE_ADDR` or `X-Forwarded-For` (tests/security/test_proxies.py enumerates them).
"""

import ipaddress

from allauth.core.internal.ratelimit import truncate_ip
from django.conf import settings

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def parse_ip(value) -> str | None:
    """`value` as a normalised IP address, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address by TRUSTED_PROXY_COUNT (module docstring); None only without any address."""
    meta = getattr(request, "META", None) or {}
    peer = parse_ip(meta.get("REMOTE_ADDR"))
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get(FORWARDED_FOR)
    if count <= 0 or not isinstance(forwarded, str) or not forwarded.strip():
        return peer
    hops = forwarded.split(",")
    return parse_ip(hops[-min(count, len(hops))]) or peer


def rate_limit_ident(request) -> str:
    """The client's bucket in the portal's throttles: its address, an IPv6 address widened to its network as
    allauth does for its own limits (ALLAUTH_RATE_LIMIT_IPV6_PREFIX, default /64: one subscriber's range)."""
    ip = client_ip(request)
    return truncate_ip(ip) if ip else "unknown"
