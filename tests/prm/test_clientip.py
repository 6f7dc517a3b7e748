"""The client address rule (prm/clientip.py, docs/proxies.md): TRUSTED_PROXY_COUNT decides how much of
X-Forwarded-For is believed; DRF and allauth are configured to the same count."""

import json

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.internal.httpkit import get_client_ip as allauth_get_client_ip
from django.test import RequestFactory
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from prm.clientip import client_ip, rate_limit_ident
from tests.prm.test_settings import READ_SETTINGS, run_python

PEER = "10.0.0.5"  # the TCP peer: the client itself, or the nearest proxy


def request_with(forwarded=None, peer=PEER):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def proxies(settings):
    def set_count(count):
        settings.TRUSTED_PROXY_COUNT = count
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return set_count


# --- no proxy: the header is ignored -----------------------------------------------------------------


@pytest.mark.parametrize("forwarded", [None, "203.0.113.9", "203.0.113.9, 198.51.100.1", "garbage", ""])
def test_without_trusted_proxies_the_header_is_ignored(proxies, forwarded):
    proxies(0)
    assert client_ip(request_with(forwarded)) == PEER


def test_the_default_trusts_no_proxy(settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    assert client_ip(request_with("203.0.113.9")) == PEER


# --- one proxy: the hop it appended ------------------------------------------------------------------


def test_with_one_proxy_the_client_is_the_last_hop(proxies):
    proxies(1)
    assert client_ip(request_with("203.0.113.9")) == "203.0.113.9"


def test_addresses_the_client_wrote_itself_are_ignored(proxies):
    proxies(1)
    # The client sent "X-Forwarded-For: 1.2.3.4, 5.6.7.8"; the proxy appended the address it saw.
    assert client_ip(request_with("1.2.3.4, 5.6.7.8,203.0.113.9")) == "203.0.113.9"


def test_with_two_proxies_the_client_is_the_second_hop_from_the_right(proxies):
    proxies(2)
    assert client_ip(request_with("1.2.3.4, 203.0.113.9, 10.1.1.1")) == "203.0.113.9"


def test_a_request_that_bypassed_the_proxy_counts_by_its_own_address(proxies):
    proxies(1)
    assert client_ip(request_with(None, peer="192.0.2.50")) == "192.0.2.50"


def test_fewer_hops_than_proxies_take_the_leftmost_as_drf_does(proxies):
    proxies(3)
    assert client_ip(request_with("203.0.113.9, 10.1.1.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    "forwarded",
    ["garbage", "1.2.3.4, not-an-address", "1.2.3.4,", ",", "   ", "", "203.0.113.9:443", "999.1.1.1", "1.2.3.4, \x00"],
)
def test_a_malformed_hop_falls_back_to_the_peer_never_to_a_fresh_bucket(proxies, forwarded):
    proxies(1)
    assert client_ip(request_with(forwarded)) == PEER


def test_addresses_are_normalised(proxies):
    proxies(1)
    assert client_ip(request_with(" 2001:DB8:0:0::1 ")) == "2001:db8::1"


def test_no_address_at_all_is_none():
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None
    assert client_ip(object()) is None


# --- rate-limit buckets --------------------------------------------------------------------------------


def test_an_ipv6_client_is_counted_by_its_64_network_like_allauth_does(proxies):
    proxies(1)
    first = rate_limit_ident(request_with("2001:db8:1:2:aaaa::1"))
    second = rate_limit_ident(request_with("2001:db8:1:2:bbbb::2"))
    assert first == second == "2001:db8:1:2::"
    assert rate_limit_ident(request_with("2001:db8:1:3::1")) != first
    assert rate_limit_ident(request_with("203.0.113.9")) == "203.0.113.9"


def test_an_unknown_client_shares_one_bucket():
    assert rate_limit_ident(RequestFactory().get("/", REMOTE_ADDR="")) == "unknown"


# --- DRF and allauth follow the same count ---------------------------------------------------------------

WELL_FORMED = [None, "203.0.113.9", "1.2.3.4, 203.0.113.9", "1.2.3.4, 203.0.113.9, 10.1.1.1"]


@pytest.mark.parametrize("count", [0, 1, 2])
@pytest.mark.parametrize("forwarded", WELL_FORMED)
def test_drf_and_allauth_agree_with_the_rule_on_well_formed_headers(proxies, count, forwarded):
    proxies(count)
    request = request_with(forwarded)
    assert api_settings.NUM_PROXIES == count
    expected = client_ip(request)
    assert BaseThrottle().get_ident(request) == expected
    if forwarded is None or len(forwarded.split(",")) >= count:  # allauth refuses shorter headers with a 500
        assert allauth_get_client_ip(request) == expected


def test_allauths_rate_limits_take_the_portals_rule(proxies):
    proxies(2)
    # allauth itself raises ImproperlyConfigured (a 500) on a header shorter than the count; the portal does not.
    assert get_adapter().get_client_ip(request_with("203.0.113.9")) == "203.0.113.9"
    proxies(1)
    assert get_adapter().get_client_ip(request_with("garbage")) == PEER


def test_settings_derive_drf_and_allauth_counts_from_trusted_proxy_count(settings):
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT == 0
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0


# --- the environment ------------------------------------------------------------------------------------

READ_PROXY_SETTINGS = READ_SETTINGS.replace(
    '"allowed_hosts": settings.ALLOWED_HOSTS,',
    '"allowed_hosts": settings.ALLOWED_HOSTS, "proxies": settings.TRUSTED_PROXY_COUNT,'
    ' "num_proxies": settings.REST_FRAMEWORK["NUM_PROXIES"], "allauth": settings.ALLAUTH_TRUSTED_PROXY_COUNT,'
    ' "ssl_header": settings.SECURE_PROXY_SSL_HEADER,',
)


def read(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_no_proxy_count_no_proxy_is_trusted():
    values = read(run_python(READ_PROXY_SETTINGS, TRUSTED_PROXY_COUNT="0"))
    assert (values["proxies"], values["num_proxies"], values["allauth"], values["ssl_header"]) == (0, 0, 0, None)


def test_one_trusted_proxy_also_trusts_its_x_forwarded_proto():
    values = read(run_python(READ_PROXY_SETTINGS, TRUSTED_PROXY_COUNT="1"))
    assert (values["proxies"], values["num_proxies"], values["allauth"]) == (1, 1, 1)
    assert values["ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_behind_proxy_without_a_proxy_count_refuses_to_start():
    result = run_python(READ_PROXY_SETTINGS, BEHIND_PROXY="true", TRUSTED_PROXY_COUNT="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "TRUSTED_PROXY_COUNT" in result.stderr


def test_behind_proxy_with_a_proxy_count_starts():
    values = read(run_python(READ_PROXY_SETTINGS, BEHIND_PROXY="true", TRUSTED_PROXY_COUNT="1"))
    assert values["proxies"] == 1 and values["ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_negative_proxy_count_refuses_to_start():
    result = run_python(READ_PROXY_SETTINGS, TRUSTED_PROXY_COUNT="-1")
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT" in result.stderr
