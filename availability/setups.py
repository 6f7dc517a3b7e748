"""The server side of the PSI check: the key, the precomputed setups, processing a client's request.

The big answer sets (vendor direct accounts, customers protected by a registration) are precomputed setup
messages, rebuilt only when their items changed (a digest of the sorted items decides): nightly, and after a
registration decision (availability.handlers). A check processes the client's blinded request once
(ProcessRequest); the client intersects that one response with every setup (docs/private-check.md).
"""

import hashlib
import secrets
import time
from datetime import date, timedelta

import private_set_intersection.python as psi
from django.db import transaction
from django.utils import timezone

from availability.models import PsiSetup, ServerKey, SetupCategory
from deals import exact_keys

FALSE_POSITIVE_RATE = 1e-9
BUCKETS = (("30", 30), ("90", 90), ("later", None))  # protection ends within 30 days, 90 days, later


def server_key() -> ServerKey:
    found = ServerKey.objects.order_by("id").first()
    if found:
        return found
    with transaction.atomic():
        ServerKey.objects.select_for_update().filter(pk__isnull=False).exists()
        found = ServerKey.objects.order_by("id").first()
        return found or ServerKey.objects.create(key=psi.server.CreateWithNewKey(True).GetPrivateKeyBytes())


def build_setup_bytes(key: bytes, items, client_inputs: int) -> bytes:
    """A GCS setup of `items`; an empty set holds one random item no key can equal (the library refuses none)."""
    items = list(items) or [f"x:{secrets.token_hex(16)}"]
    server = psi.server.CreateFromKey(bytes(key), True)
    inputs = max(1, client_inputs)
    try:  # GCS is the smallest, but the library cannot build one for a few items at a tiny per-item rate
        setup = server.CreateSetupMessage(FALSE_POSITIVE_RATE, inputs, items, psi.DataStructure.GCS)
    except ValueError:
        setup = server.CreateSetupMessage(FALSE_POSITIVE_RATE, inputs, items, psi.DataStructure.BLOOM_FILTER)
    return setup.SerializeToString()


def digest(items) -> str:
    h = hashlib.sha256()
    for item in sorted(items):
        h.update(item.encode())
        h.update(b"\n")
    return h.hexdigest()


def _store(*, category: str, bucket: str, until, items: set, client_inputs: int, show_dates: bool, force=False):
    """Build and keep one setup unless an identical one (same items, inputs and key) is already stored."""
    key = server_key()
    fingerprint = digest(items)
    current = PsiSetup.objects.filter(category=category, bucket=bucket).first()
    same = (
        current is not None
        and current.fingerprint == fingerprint
        and current.client_inputs == client_inputs
        and current.key_id == key.pk
        and current.until == until
        and current.show_dates == show_dates
    )
    if same and not force:
        return current, False
    started = time.monotonic()
    data = build_setup_bytes(key.key, items, client_inputs)
    values = {
        "until": until,
        "data": data,
        "items": len(items),
        "client_inputs": client_inputs,
        "show_dates": show_dates,
        "fingerprint": fingerprint,
        "built_at": timezone.now(),
        "seconds": round(time.monotonic() - started, 3),
        "key": key,
    }
    row, _created = PsiSetup.objects.update_or_create(category=category, bucket=bucket, defaults=values)
    return row, True


def protected_buckets(rows, *, today: date, show_dates: bool) -> dict:
    """{bucket: (until, keys)}: one bucket of every protected key, or buckets by protection end."""
    if not show_dates:
        return {"": (None, {key for key, _end, _partner in rows})}
    buckets = {name: (today + timedelta(days=days) if days else None, set()) for name, days in BUCKETS}
    for key, end, _partner in rows:
        for name, days in BUCKETS:
            if days is None or end <= today + timedelta(days=days):
                buckets[name][1].add(key)
                break
    return buckets


def rebuild(*, policy, categories=(SetupCategory.DIRECT, SetupCategory.PROTECTED), force=False) -> list[str]:
    """Rebuild the setups of `categories` whose items changed; returns the ones rebuilt."""
    client_inputs = 2 * policy.daily_limit
    rebuilt = []
    if SetupCategory.DIRECT in categories:
        _row, changed = _store(
            category=SetupCategory.DIRECT,
            bucket="",
            until=None,
            items=set(exact_keys.direct_keys()),
            client_inputs=client_inputs,
            show_dates=False,
            force=force,
        )
        rebuilt += ["direct"] if changed else []
    if SetupCategory.PROTECTED in categories:
        today = timezone.localdate()
        rows = list(exact_keys.protected_keys(today=today))
        buckets = protected_buckets(rows, today=today, show_dates=policy.show_dates)
        for bucket, (until, keys) in buckets.items():
            _row, changed = _store(
                category=SetupCategory.PROTECTED,
                bucket=bucket,
                until=until,
                items=keys,
                client_inputs=client_inputs,
                show_dates=policy.show_dates,
                force=force,
            )
            rebuilt += [f"protected:{bucket or 'all'}"] if changed else []
        PsiSetup.objects.filter(category=SetupCategory.PROTECTED).exclude(
            bucket__in=list(buckets), show_dates=policy.show_dates
        ).delete()
    return rebuilt


def partner_setup(partner_id: int, client_inputs: int) -> bytes:
    """The small "already yours" setup of one partner, built at request time."""
    return build_setup_bytes(server_key().key, exact_keys.partner_protected_keys(partner_id), client_inputs)


def process_request(request_bytes: bytes, *, reveal: bool) -> tuple[bytes, int]:
    """(serialised response, number of items) of a client's blinded request; ValueError when malformed."""
    request = psi.Request()
    try:
        request.ParseFromString(request_bytes)
    except Exception as exc:  # noqa: BLE001 - protobuf's DecodeError and friends
        raise ValueError("not a PSI request") from exc
    if bool(request.reveal_intersection) != reveal:
        raise ValueError("the request's mode does not match the policy")
    server = psi.server.CreateFromKey(bytes(server_key().key), reveal)
    try:
        response = server.ProcessRequest(request)
    except Exception as exc:  # noqa: BLE001 - the library raises RuntimeError on malformed points
        raise ValueError("not a PSI request") from exc
    return response.SerializeToString(), len(request.encrypted_elements)
