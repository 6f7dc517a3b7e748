"""Idempotency-Key for every POST under /api/v1/ except auth/token/ (the API doc: Conventions).

A repeat with the same key and the same body gets the first response (status and body) and does
nothing; the same key with another body gets 422 {"code": "idempotency_key_reused"}; a repeat that
arrives while the first is still running gets 409. Keys are per user (anonymous callers: per client
address, in the cache) and kept 24 hours.

A secret is shown once and never stored in clear (docs/login.md): a successful response that carries one
(a top-level field in SECRET_FIELDS: an API token, a webhook's signing secret) is recorded without its body,
and a repeat of it gets 409 {"code": "secret_not_replayable"} instead of the secret again.
"""

import hashlib
import json
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.settings import api_settings

from prm.clientip import client_ip
from prm.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
API_PREFIX = "/api/v1/"
# Token exchange, and the public receipt check (no side effects, nothing to replay).
EXEMPT_PATHS = ("/api/v1/auth/token/", "/api/v1/receipts/verify/")
KEEP_FOR = timedelta(hours=24)
# Response fields that hold a secret shown only once (tests/security/test_login_matrix.py checks the schema).
SECRET_FIELDS = frozenset({"token", "secret"})
# Stored as the record's content type in place of a withheld response.
WITHHELD_CONTENT_TYPE = "x-prm/secret-withheld"
ABANDONED_AFTER = timedelta(minutes=10)  # a first request that never finished (worker killed)


def _api_user(request):
    """The caller of an API request: token owner or session user; None for anonymous callers."""
    # The API's token authentication, as configured in REST_FRAMEWORK (prm sits below the app that defines it).
    for authentication_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if not issubclass(authentication_class, TokenAuthentication):
            continue
        try:
            authenticated = authentication_class().authenticate(Request(request))
        except AuthenticationFailed:
            return None
        if authenticated:
            return authenticated[0]
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def not_kept(response) -> bool:
    """A response the key does not keep, so a retry with the same key runs again: a server error, a throttled
    call (429: a replay would refuse it for 24 hours), or a streamed body."""
    return response.status_code >= 500 or response.status_code == 429 or getattr(response, "streaming", False)


def request_digest(request) -> str | None:
    """What "the same request" means: SHA-256 of the path and the body. A multipart body (an upload) is read
    from its parsed fields and files, since a middleware before this one may have parsed it already and Django
    keeps no raw copy of it then. None for a body Django refuses to parse."""
    digest = hashlib.sha256(request.path.encode() + b"\n")
    try:
        if request.content_type != "multipart/form-data":
            digest.update(request.body)
            return digest.hexdigest()
        for name, values in sorted(request.POST.lists()):
            for value in values:
                digest.update(f"field {len(name)}:{name} {len(value)}:".encode() + value.encode())
        for name, uploads in sorted(request.FILES.lists()):
            for upload in uploads:
                digest.update(f"file {len(name)}:{name} {upload.name} {upload.size}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    except (RawPostDataException, RequestDataTooBig, MultiPartParserError, TooManyFieldsSent, TooManyFilesSent):
        return None
    return digest.hexdigest()


def anonymous_scope(request) -> str | None:
    """Whose keys an anonymous request's are: its client address (prm.clientip, docs/proxies.md)."""
    address = client_ip(request)
    return f"ip:{address}" if address else None


def _error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def carries_secret(status_code: int, body) -> bool:
    """A successful response whose JSON object has a secret field (SECRET_FIELDS)."""
    return 200 <= status_code < 300 and isinstance(body, dict) and not SECRET_FIELDS.isdisjoint(body)


def _stored_secret(record) -> bool:
    """Whether a stored response holds a secret: withheld when stored, or kept by an older version."""
    if record.content_type == WITHHELD_CONTENT_TYPE:
        return True
    if "json" not in (record.content_type or ""):
        return False
    try:
        body = json.loads(bytes(record.response_body))
    except ValueError:
        return False
    return carries_secret(record.status_code, body)


def _secret_not_replayable() -> JsonResponse:
    return _error(
        409,
        _(
            "The first request with this Idempotency-Key succeeded and its secret was shown only then; "
            "it is not shown again. Send a new key to create another."
        ),
        "secret_not_replayable",
    )


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
        request_hash = request_digest(request)
        if request_hash is None:
            return self.get_response(request)  # a body Django cannot parse: the view answers 400
        user = _api_user(request)
        if user is None:
            return self._anonymous(request, key, request_hash)  # public POSTs; others answer 401 as usual
        record, replay = self._claim(user, key, request, request_hash)
        if replay is not None:
            return replay
        try:
            response = self.get_response(request)
        except Exception:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if not_kept(response):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()  # a failure may be retried with the key
            return response
        if carries_secret(response.status_code, getattr(response, "data", None)):
            content_type, body = WITHHELD_CONTENT_TYPE, b""  # the secret is shown in this response only
        else:
            content_type, body = response.get("Content-Type", ""), response.content
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code, content_type=content_type, response_body=body
        )
        return response

    def _anonymous(self, request, key, request_hash):
        """Keys of anonymous callers, scoped per client address and kept in the cache (there is no user to
        own an IdempotencyRecord): the same rules as for users. Without a reachable cache the request runs
        as if it had no key."""
        scope = anonymous_scope(request)
        if scope is None:
            return self.get_response(request)
        cache_key = "idempotency:" + hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
        started = timezone.now().timestamp()
        running = {"hash": request_hash, "status": None, "started": started}
        if not cache.add(cache_key, running, timeout=KEEP_FOR.total_seconds()):
            existing = cache.get(cache_key)
            if not isinstance(existing, dict):
                return self.get_response(request)  # the cache is away (or the key just expired)
            if existing.get("hash") != request_hash:
                return _error(
                    422,
                    _("This Idempotency-Key was already used with a different request."),
                    "idempotency_key_reused",
                )
            if existing.get("status") is None:
                if started - existing.get("started", started) < ABANDONED_AFTER.total_seconds():
                    return _error(
                        409,
                        _("A request with this Idempotency-Key is still being processed."),
                        "idempotency_key_in_progress",
                    )
                cache.set(cache_key, running, timeout=KEEP_FOR.total_seconds())  # the first never finished
            elif existing.get("withheld"):
                return _secret_not_replayable()
            else:
                replay = HttpResponse(
                    existing.get("body", b""), status=existing["status"], content_type=existing.get("type") or None
                )
                replay["Idempotent-Replayed"] = "true"
                return replay
        try:
            response = self.get_response(request)
        except Exception:
            cache.delete(cache_key)
            raise
        if not_kept(response):
            cache.delete(cache_key)  # a failure may be retried with the key
            return response
        done = {**running, "status": response.status_code}
        if carries_secret(response.status_code, getattr(response, "data", None)):
            done["withheld"] = True
        else:
            done.update(type=response.get("Content-Type", ""), body=response.content)
        remaining = KEEP_FOR.total_seconds() - (timezone.now().timestamp() - started)
        cache.set(cache_key, done, timeout=max(remaining, 1))
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
        if _stored_secret(existing):
            IdempotencyRecord.objects.filter(pk=existing.pk).update(
                content_type=WITHHELD_CONTENT_TYPE, response_body=b""
            )
            return None, _secret_not_replayable()
        replay = HttpResponse(
            bytes(existing.response_body), status=existing.status_code, content_type=existing.content_type or None
        )
        replay["Idempotent-Replayed"] = "true"
        return None, replay


def purge_expired_keys() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
