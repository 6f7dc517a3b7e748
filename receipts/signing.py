"""The portal's Ed25519 signing keys (docs/receipts.md): registration receipts and verifiable credentials.

Keys come from the environment (settings.SIGNING_KEYS, "kid:base64url-seed" entries, newest first; the
first one signs). In development, with none set, one key is generated once into SIGNING_KEY_FILE so
the demo's receipts survive restarts. Every key that ever signed has its public half stored in
receipts.SigningKey (published at /.well-known/jwks.json), so retiring a private key - rotation -
never makes an old receipt unverifiable.

Signatures cover the RFC 8785 JSON Canonicalization Scheme (JCS) of the document, produced by the
maintained `rfc8785` package (`canonical_json` below is the one place that does it, for receipts and for
credentials' eddsa-jcs-2022 proofs; docs/receipts.md).
"""

import base64
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from receipts.models import SigningKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical_json(value) -> bytes:
    """The exact bytes a signature covers: RFC 8785 (JCS). Numbers are serialised as ECMAScript does
    (1069.0 is 1069, 1e21 is 1e+21, -0 is 0), keys are sorted by UTF-16 code units, strings are minimally
    escaped UTF-8. Raises CanonicalizationError (a ValueError) for what JCS cannot represent: NaN or
    infinities, integers beyond +-(2**53 - 1), non-string keys, non-JSON types."""
    return rfc8785.dumps(value)


CanonicalizationError = rfc8785.CanonicalizationError


@dataclass(frozen=True)
class KeyPair:
    kid: str
    private: Ed25519PrivateKey

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def public_b64(self) -> str:
        return b64url(self.public_bytes)


def new_key_entry(kid: str) -> str:
    """A fresh "kid:seed" entry for SIGNING_KEYS (manage.py signing_keys generate)."""
    seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return f"{kid}:{b64url(seed)}"


def parse_entry(entry: str) -> KeyPair:
    kid, sep, seed = entry.strip().partition(":")
    if not sep or not kid or not seed:
        raise ImproperlyConfigured("SIGNING_KEYS entries look like kid:base64url-seed")
    raw = b64url_decode(seed)
    if len(raw) != 32:
        raise ImproperlyConfigured(f"SIGNING_KEYS entry {kid!r}: the seed must be 32 bytes")
    return KeyPair(kid=kid, private=Ed25519PrivateKey.from_private_bytes(raw))


_lock = threading.Lock()
_cache: dict = {}


def _entries() -> list[str]:
    if settings.SIGNING_KEYS:
        return list(settings.SIGNING_KEYS)
    if not settings.DEBUG:
        raise ImproperlyConfigured("Set SIGNING_KEYS (manage.py signing_keys generate prints one).")
    path = Path(settings.SIGNING_KEY_FILE)
    with _lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps([new_key_entry("dev-1")]))
            path.chmod(0o600)
    return json.loads(path.read_text())


def key_ring() -> list[KeyPair]:
    """The configured keys, newest (signing) first."""
    entries = tuple(_entries())
    if _cache.get("entries") != entries:
        _cache["entries"] = entries
        _cache["ring"] = [parse_entry(e) for e in entries]
        _cache["published"] = False
    return _cache["ring"]


def active_key() -> KeyPair:
    ring = key_ring()
    if not ring:
        raise ImproperlyConfigured("SIGNING_KEYS is empty.")
    publish_keys()
    return ring[0]


def publish_keys() -> None:
    """Record the public half of every configured key (idempotent; once per process per key set)."""
    if _cache.get("published"):
        return

    for pair in key_ring():
        SigningKey.objects.get_or_create(kid=pair.kid, defaults={"public_key": pair.public_b64})
    _cache["published"] = True


def sign(data: bytes) -> tuple[str, str]:
    """(kid, base64url signature) of the bytes with the active key."""
    pair = active_key()
    return pair.kid, b64url(pair.private.sign(data))


def public_key(kid: str) -> Ed25519PublicKey | None:
    """A published public key by id: configured keys first, then retired ones kept in the database."""
    for pair in key_ring():
        if pair.kid == kid:
            return pair.private.public_key()

    row = SigningKey.objects.filter(kid=kid).first()
    if row is None:
        return None
    try:
        return Ed25519PublicKey.from_public_bytes(b64url_decode(row.public_key))
    except ValueError:
        return None


def verify(kid: str, data: bytes, signature: str) -> bool:
    key = public_key(kid) if isinstance(kid, str) and 0 < len(kid) <= 64 else None
    if key is None or not isinstance(signature, str):
        return False
    try:
        key.verify(b64url_decode(signature), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def reset_cache() -> None:
    """Forget the parsed key ring (tests that change SIGNING_KEYS)."""
    _cache.clear()


# --- Publishing public keys (JWKS, did:web) ------------------------------------------------------------

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_MULTICODEC = b"\xed\x01"


def base58btc(data: bytes) -> str:
    """Bitcoin's base58 (leading zero bytes become "1"), as multibase "z" uses it."""
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58_ALPHABET[rest] + out
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + out


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _B58_ALPHABET.find(char)
        if index < 0:
            raise ValueError("not base58btc")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def public_key_multibase(raw: bytes) -> str:
    """Multikey form of an Ed25519 public key: "z" + base58btc(0xed 0x01 + 32 raw bytes)."""
    return "z" + base58btc(ED25519_MULTICODEC + raw)


def published_keys() -> list[tuple[str, bytes, object]]:
    """(kid, raw public key, retired_at) of every published key, newest first; configured keys are published
    on the way (a production host without SIGNING_KEYS still serves the keys already recorded)."""
    try:
        publish_keys()
        ring = key_ring()
    except ImproperlyConfigured:
        ring = []
    keys = [(pair.kid, pair.public_bytes, None) for pair in ring]
    seen = {pair.kid for pair in ring}
    for row in SigningKey.objects.order_by("-created_at", "-id"):
        try:
            raw = b64url_decode(row.public_key)
        except ValueError:
            continue
        if len(raw) == 32 and row.kid not in seen:
            keys.append((row.kid, raw, row.retired_at))
    return keys


def jwk(kid: str, raw: bytes) -> dict:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": kid, "alg": "EdDSA", "use": "sig"}


def portal_did() -> str:
    """did:web of the portal's host, the issuer of everything its keys sign (a port is percent-encoded, as
    did:web requires)."""
    host = urlsplit(settings.SITE_URL).netloc
    return "did:web:" + quote(host, safe="")
