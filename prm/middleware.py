"""One choke point for NUL characters in requests (docs/inputs.md).

PostgreSQL cannot store or compare text holding NUL (U+0000): a NUL that reaches a query is a 500. This
middleware refuses it before any view runs, for every route:

- in the path (raw or %00): 404, as for any address that names nothing (a JSON body under /api/);
- in a query parameter, a form field (name or value), an uploaded file's name, a JSON string (key or value)
  or a header: 400 naming the field: DRF-style `{"field": ["message"]}` under /api/, a page with the message
  otherwise;
- in a cookie: the cookie is ignored (a session cookie holding NUL would otherwise be looked up). This part
  runs as DropNulCookiesMiddleware, first in MIDDLEWARE: the session is read before the main check runs.

CSV cells are checked by the import layer (prm.imports), which reports the row and column.
tests/security/test_nul_matrix.py sends NUL through every route of the isolation matrix.
"""

from __future__ import annotations

import json

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from prm.inputs import NUL, nul_message

API_PREFIX = "/api/"
JSON_TYPES = ("application/json",)


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json_nul_field(body: bytes) -> str | None:
    """The top-level field holding a NUL anywhere in a JSON body (keys included), or None. A body that is
    not JSON is left to the view's parser, which answers 400 itself."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    stack = [(data, None)]
    while stack:  # iterative: a deeply nested body must not exhaust the stack here
        value, top = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                return top or "non_field_errors"
        elif isinstance(value, dict):
            for key, item in value.items():
                field = top or key
                if NUL in key:
                    return field
                stack.append((item, field))
        elif isinstance(value, list):
            stack.extend((item, top) for item in value)
    return None


def _nul_field(request) -> str | None:
    """The name of the first input holding a NUL, or None."""
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return key
    for key, value in request.META.items():
        if key.startswith("HTTP_") and key != "HTTP_COOKIE" and isinstance(value, str) and NUL in value:
            return key[5:].replace("_", "-").title()
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form, files = request.POST, request.FILES
        except Exception:  # a malformed body: the view reports it (Django and DRF both answer 400)
            return None
        for key, values in form.lists():
            if NUL in key or any(NUL in value for value in values):
                return key
        for key, uploads in files.lists():
            if NUL in key or any(NUL in (upload.name or "") for upload in uploads):
                return key
    elif content_type in JSON_TYPES or content_type.endswith("+json"):
        try:
            body = request.body
        except Exception:  # too large or already read: the view reports it
            return None
        if body:
            return _json_nul_field(body)
    return None


def _drop_nul_cookies(request) -> None:
    for name in [name for name, value in request.COOKIES.items() if NUL in name or NUL in value]:
        del request.COOKIES[name]


class DropNulCookiesMiddleware:
    """Before SessionMiddleware: a cookie holding NUL is ignored, as if the browser had not sent it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _drop_nul_cookies(request)
        return self.get_response(request)


class RefuseNulMiddleware:
    """After authentication and the user's language, so the refusal page is the user's own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info or NUL in request.path:
            if _is_api(request):
                return JsonResponse({"detail": _("Not found.")}, status=404)
            raise Http404
        field = _nul_field(request)
        if field is not None:
            return self.refuse(request, field)
        return self.get_response(request)

    def refuse(self, request, field: str):
        field, message = field.replace(NUL, "\ufffd"), nul_message()
        if _is_api(request):
            return JsonResponse({field: [message]}, status=400)
        return render(request, "prm/bad_input.html", {"field": field, "message": message}, status=400)
