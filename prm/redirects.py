"""The one reader of `next`: where a page sends its visitor back to after a POST (docs/hardening.md).

A `next` (or a Referer) that points at another site is ignored, so no link of ours can bounce a visitor
to a look-alike page. Views never read `next` themselves; tests/security/test_safe_redirects.py checks it.
"""

from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_target(request, url: str) -> bool:
    """True for a URL of this site: a path, or an absolute URL of an allowed host (https when the request is)."""
    if not url or any(ch in url for ch in "\r\n\x00"):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def safe_next(request, default: str, *, allowed: tuple[str, ...] | None = None) -> str:
    """The request's `next` (POST, then GET) when it points at this site, else `default`.

    `allowed`, when given, narrows the targets further to exactly these paths."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not is_safe_target(request, target):
        return str(default)
    if allowed is not None and target not in allowed:
        return str(default)
    return target
