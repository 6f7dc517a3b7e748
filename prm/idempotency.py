"""Idempotency-Key for every POST under /api/v1/ except auth/token/ (API.md: Conventions).

A repeat with the same key and the same body gets the first response (status and body) and does
nothing; the same key with another body gets 422 {"code": "idempotency_key_reused"}; a repeat that
arrives while the first is still running gets 409. Keys are per user and kept 24 hours.
"""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
API_PREFIX = "/api/v1/"
# Token exchange, and the public receipt check (no side effects, nothing to replay).
EXEMPT_PATHS = ("/api/v1/auth/token/", "/api/v1/receipts/verify/")
KEEP_FOR = timedelta(hours=24)
ABANDONED_AFTER = timedelta(minutes=10)  # a first request that never finished (worker killed)


def _api_user(request):
    """The caller of an API request: token owner or session user; None for anonymous callers."""
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.request import Request

    from accounts.authentication import ApiTokenAuthentication

    try:
        authenticated = ApiTokenAuthentication().authenticate(Request(request))
    except AuthenticationFailed:
        return None
    if authenticated:
        return authenticated[0]
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


class IdempotencyKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER, "").strip()
        if not key or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.path in EXEMPT_PATHS:
            return self.get_response(request)
        if len(key) > 255:
            return JsonResponse({"Idempotency-Key": [_("Use at most 255 characters.")]}, status=400)
        user = _api_user(request)
        if user is None:
            return self.get_response(request)  # the view answers 401 as usual
        request_hash = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        record, replay = self._claim(user, key, request, request_hash)
        if replay is not None:
            return replay
        try:
            response = self.get_response(request)
        except Exception:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()  # a failure may be retried with the key
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            response_body=response.content,
        )
        return response

    def _claim(self, user, key, request, request_hash):
        """Insert the running record, or answer from the existing one. Returns (record, replay)."""
        now = timezone.now()
        IdempotencyRecord.objects.filter(user=user, key=key, created_at__lt=now - KEEP_FOR).delete()
        IdempotencyRecord.objects.filter(
            user=user, key=key, status_code__isnull=True, created_at__lt=now - ABANDONED_AFTER
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, method=request.method, path=request.path[:500], request_hash=request_hash
                )
            return record, None
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing is None:  # purged between our insert and lookup: treat as new
            return self._claim(user, key, request, request_hash)
        if existing.request_hash != request_hash:
            return None, _error(
                422,
                _("This Idempotency-Key was already used with a different request."),
                "idempotency_key_reused",
            )
        if existing.status_code is None:
            return None, _error(
                409,
                _("A request with this Idempotency-Key is still being processed."),
                "idempotency_key_in_progress",
            )
        replay = HttpResponse(
            bytes(existing.response_body), status=existing.status_code, content_type=existing.content_type or None
        )
        replay["Idempotent-Replayed"] = "true"
        return None, replay


def purge_expired_keys() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
