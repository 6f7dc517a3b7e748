"""Where a webhook may be sent: URL checks against private and internal addresses (SSRF), the resolution
of a delivery's destination, and the HTTP adapter that connects to the address checked (docs/webhooks.md:
Security notes)."""

import ipaddress
import re
import socket
from urllib.parse import urlsplit

import requests
import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError


def allow_private_urls() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_URLS", settings.DEBUG))


# IPv6 ranges that carry an IPv4 address in their last 32 bits: a gateway may forward them to that IPv4
# address, so the embedded address is checked too (docs/webhooks.md: Security notes).
_EMBEDDING_IPV4 = (
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64, well-known prefix
    ipaddress.ip_network("64:ff9b:1::/48"),  # NAT64, local use
    ipaddress.ip_network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated)
)
# Forms inet_aton takes as an IPv4 address though ipaddress does not: 127.1, 0x7f.0.0.1, 2130706433, 0177.0.0.1.
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


def _parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IP literal in any form a resolver or socket would take; ValueError for a name."""
    text = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        if _LEGACY_IPV4.match(text):
            try:
                return ipaddress.IPv4Address(socket.inet_aton(text))
            except OSError:
                pass
        raise


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = []
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in network for network in _EMBEDDING_IPV4):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _is_global(ip) -> bool:
    return ip.is_global and not ip.is_multicast


def _is_public_address(address: str) -> bool:
    """A global unicast address; an IPv6 address carrying an IPv4 one only if that one is global too (an
    IPv4-mapped address is judged as the IPv4 address it is)."""
    ip = _parse_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return _is_global(ip.ipv4_mapped)
        if not all(_is_global(inner) for inner in _embedded_ipv4(ip)):
            return False
    return _is_global(ip)


def validate_webhook_url(url: str) -> str:
    """http(s), a host, no credentials; a loopback or private host only when private URLs are allowed."""
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": _("Enter the URL that should receive the events.")})
    if len(url) > 2000:
        raise ValidationError({"url": _("Use at most 2000 characters.")})
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        raise ValidationError({"url": _("Enter a valid URL.")}) from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError({"url": _("Use an https:// (or http://) URL.")})
    if not parts.hostname:
        raise ValidationError({"url": _("The URL needs a host name.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Leave credentials out of the URL; deliveries are signed instead.")})
    if any(ch.isspace() for ch in url):
        raise ValidationError({"url": _("Enter a valid URL.")})
    host = parts.hostname.rstrip(".").lower()
    if not allow_private_urls():
        if host == "localhost" or host.endswith(".localhost"):
            raise ValidationError({"url": _("Loopback addresses are allowed only in development (DEBUG).")})
        try:
            public = _is_public_address(host)
        except ValueError:
            public = True  # a name: its addresses are checked each time a delivery is sent
        if not public:
            raise ValidationError({"url": _("Loopback and private network addresses are allowed only in development.")})
    return url


class UnsafeDestination(Exception):
    """The URL's host resolves to an address deliveries may not reach."""


def resolve_destination(url: str) -> str:
    """Resolve the URL's host once, at delivery time, and return the address to connect to.

    Every address the name has must be public (unless private URLs are allowed): a name may have changed
    since it was subscribed. The connection then goes to this address and no other (PinnedAdapter), so a
    second lookup answering differently (DNS rebinding) cannot redirect it.
    """
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise UnsafeDestination(f"could not resolve {parts.hostname}: {error}") from error
    addresses = [info[4][0] for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]
    if not addresses:
        raise UnsafeDestination(f"could not resolve {parts.hostname}: no IPv4 or IPv6 address")
    if not allow_private_urls():
        for address in addresses:
            if not _is_public_address(address):
                raise UnsafeDestination(f"{parts.hostname} resolves to a private address ({address}); not sent")
    return addresses[0]


def _pinned_connection(base):
    """A urllib3 connection class that opens its socket to `pinned_address` instead of resolving the host
    again; the Host header, TLS SNI and certificate check still use the URL's host name."""

    class Pinned(base):
        pinned_address: str = ""

        def _new_conn(self):
            try:
                sock = urllib3.util.connection.create_connection(
                    (self.pinned_address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as error:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} ({self.pinned_address}) timed out."
                ) from error
            except OSError as error:
                raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error
            return sock

    Pinned.__name__ = f"Pinned{base.__name__}"
    return Pinned


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose connections all go to one checked address (see resolve_destination)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        classes = {}
        for scheme, pool_class, connection_class in (
            ("http", HTTPConnectionPool, HTTPConnection),
            ("https", HTTPSConnectionPool, HTTPSConnection),
        ):
            connection = _pinned_connection(connection_class)
            connection.pinned_address = self.address
            classes[scheme] = type(f"Pinned{pool_class.__name__}", (pool_class,), {"ConnectionCls": connection})
        self.poolmanager.pool_classes_by_scheme = classes

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise requests.exceptions.InvalidProxyURL("webhook deliveries do not use proxies")
