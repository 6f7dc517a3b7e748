"""Refuse an oversize request body before anything reads it (docs/hardening.md).

The declared Content-Length is compared with the largest body the route accepts (prm.files.request_body_limit:
its uploads at their caps plus the form, or DATA_UPLOAD_MAX_MEMORY_SIZE for every other route, JSON API bodies
included). Over it, the answer is 413 with a message, and the body is never read or parsed. It sits ahead of
every middleware that parses the body (CSRF, the NUL check), right after the language is chosen.
"""

from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.html import escape
from django.utils.translation import gettext as _

from prm.files import MB, request_body_limit

API_PREFIX = "/api/"


def declared_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except (TypeError, ValueError):
        return 0


def route_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = declared_length(request)
        if length:
            limit = request_body_limit(route_name(request))
            if limit is not None and length > limit:
                return self.too_large(request, limit)
        return self.get_response(request)

    def too_large(self, request, limit: int):
        size = max(1, limit // MB)
        message = _("The request is too large: send at most %(size)s MB at once.") % {"size": size}
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": message, "code": "request_too_large"}, status=413)
        page = f'<!doctype html><meta charset="utf-8"><title>413</title><p role="alert">{escape(message)}</p>'
        return HttpResponse(page, status=413)
