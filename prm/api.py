"""Shared REST API plumbing: pagination, throttles, and the one mapping of domain errors."""

import traceback
from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from prm import clientip, inputs
from prm.exceptions import DomainError
from prm.guards import Refusal, standing_refusal_body


class StandardPagination(PageNumberPagination):
    """the API doc: {count, next, previous, results}; ?page= and ?page_size= (capped at 200). A page_size that is
    not a whole number from 1 up is a 400 on the field, not silently the default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and value != "":
            if not (value.isascii() and value.isdigit() and int(value) >= 1):
                raise exceptions.ValidationError({self.page_size_query_param: [_("Use a whole number, 1 or more.")]})
            return min(int(value), self.max_page_size)
        return self.page_size


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, with true/false filters that refuse other values: `?active=maybe` is a 400 on the
    field, where django-filter would ignore it and return everything (the API doc: Errors)."""

    BOOLEAN_VALUES = frozenset({"true", "false", "1", "0"})

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            errors = {
                name: [_("Use true or false.")]
                for name, field in filterset.filters.items()
                if isinstance(field, django_filters.BooleanFilter)
                and request.query_params.get(name, "") != ""
                and request.query_params[name].lower() not in self.BOOLEAN_VALUES
            }
            if errors:
                raise exceptions.ValidationError(errors)
        return filterset


class ClientAddressThrottle(SimpleRateThrottle):
    """Every portal throttle counts anonymous callers by the client address of prm/clientip.py
    (TRUSTED_PROXY_COUNT, docs/proxies.md), never by a raw X-Forwarded-For."""

    def get_ident(self, request):
        return clientip.rate_limit_ident(request)

    def get_rate(self):
        # DRF copies the rates when it is imported; read them per request so the settings' rates always apply.
        from rest_framework.settings import api_settings

        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserApiThrottle(ClientAddressThrottle, UserRateThrottle):
    """600 calls a minute per token or session user (the API doc); anonymous callers by address."""

    scope = "user"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            token = request.auth
            ident = f"token-{token.pk}" if getattr(token, "pk", None) else f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousFormThrottle(ClientAddressThrottle):
    """Public forms: 20 an hour per address (the API doc)."""

    scope = "anon_form"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UtcIsoDateTimeField(inputs.bounded(django_filters.fields.IsoDateTimeField)):
    """An ISO 8601 date-time, converted to UTC: the database takes any offset Python does not (e.g. +18:54).
    Bounded like every date input (prm.inputs, docs/inputs.md)."""

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
            return parsed.astimezone(UTC) if parsed is not None and parsed.tzinfo is not None else parsed
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """`?updated_since=2026-11-01T09:00:00+01:00`-style filters (ISO 8601 with offset); bad values are a 400."""

    field_class = UtcIsoDateTimeField


def validated_body(serializer_class, request):
    """Validate a request body with a serializer (400 with field errors) and return its data."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def validation_error_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def _is_body_too_deep(exc) -> bool:
    """Deeply nested JSON makes the parser recurse until Python gives up: that is bad input (400), not a 500
    (the API doc: no input, however malformed, yields a 500)."""
    if not isinstance(exc, RecursionError):
        return False
    parser_files = ("json/decoder.py", "json/__init__.py", "rest_framework/parsers.py")
    return any(
        frame.f_code.co_filename.replace("\\", "/").endswith(parser_files)
        for frame, _lineno in traceback.walk_tb(exc.__traceback__)
    )


def _refused_object_is_hidden(context) -> bool:
    from prm.tenancy import hides_refused_object

    request, view = context.get("request"), context.get("view")
    # Only an authenticated caller is refused with a 403; read the user DRF already resolved, never re-authenticate.
    user = getattr(request, "_user", None)
    if user is None or view is None:
        return False
    return hides_refused_object(user, view, getattr(view, "kwargs", None), getattr(request, "query_params", None))


def exception_handler(exc, context):
    """Domain errors become 409/400 with {detail, code}; Django's errors become DRF's."""
    # Imported here: rest_framework.views reads the settings that point at this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if _is_body_too_deep(exc):
        exc = exceptions.ParseError(_("Malformed request body: nested too deeply."))
    if isinstance(exc, DomainError):
        return Response({**exc.data, "detail": exc.message, "code": exc.code}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    refusal = standing_refusal_body(exc)  # docs/partner-status.md: 403 with the code and the sentence
    if refusal is not None:
        return Response(refusal, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied) and _refused_object_is_hidden(context):
        exc = exceptions.NotFound()  # the API doc, Errors: outside the caller's tenancy is 404, never 403
    elif isinstance(exc, Refusal):
        return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


def refuse_numbers_as_text() -> None:
    """A JSON number or boolean sent where the schema says string is a 400 on that field (the API doc,
    Errors), for every text field of every serializer: DRF's CharField would store 7 as "7". Installed
    once, from PrmConfig.ready()."""
    original = serializers.CharField.to_internal_value
    if getattr(original, "refuses_numbers", False):
        return

    def to_internal_value(self, data):
        if isinstance(data, bool | int | float):
            self.fail("invalid")
        return original(self, data)

    to_internal_value.refuses_numbers = True
    serializers.CharField.to_internal_value = to_internal_value
