"""Checks of uploaded documents shared by every app that accepts files (MDF proofs, dispute evidence):
by extension, by content (magic bytes) and by size, before anything is stored; and the size of a whole
request body per route (`request_body_limit`), which prm.middleware_upload enforces before the body is read.

No python-magic (it needs libmagic): the accepted formats are few and have well-known signatures.
"""

import os
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext

ZIP = b"PK\x03\x04"
# Headers of executables and scripts that must never pass as a document, whatever their name.
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"\xca\xfe\xba\xbe", b"#!")
TEXT_EXTENSIONS = (".txt", ".csv")


def is_text(head: bytes) -> bool:
    """UTF-8 text without NUL bytes (a multi-byte character cut by the sample's end is fine)."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:
            return False
    return True


# extension -> (content type, check of the first bytes); each app picks the ones it accepts.
PDF = ("application/pdf", lambda head: head.startswith(b"%PDF-"))
PNG = ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"))
JPEG = ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff"))
CSV = ("text/csv", is_text)
TXT = ("text/plain; charset=utf-8", is_text)
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", lambda head: head.startswith(ZIP))
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", lambda head: head.startswith(ZIP))


def safe_name(name: str, default: str = "file") -> str:
    base = os.path.basename(name or "").strip() or default
    return re.sub(r"[^A-Za-z0-9._ -]", "_", base)[:150]


def check_upload(upload, *, allowed: dict, allowed_label, max_mb: int, default_name: str = "file") -> str:
    """Refuse a file whose name, content or size is not accepted; return its content type."""
    name = safe_name(getattr(upload, "name", "") or "", default_name)
    extension = os.path.splitext(getattr(upload, "name", "") or "")[1].lower()
    if extension not in allowed:
        raise ValidationError(
            gettext("%(name)s: only %(allowed)s files are accepted.") % {"name": name, "allowed": allowed_label}
        )
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValidationError(gettext("%(name)s is empty.") % {"name": name})
    if size > max_mb * 1024 * 1024:
        raise ValidationError(gettext("%(name)s is larger than %(size)s MB.") % {"name": name, "size": max_mb})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    content_type, looks_right = allowed[extension]
    if head.startswith(EXECUTABLE_SIGNATURES) and (extension not in TEXT_EXTENSIONS or b"\x00" in head):
        raise ValidationError(
            gettext("%(name)s is a program, not a %(type)s file: upload the document itself.")
            % {"name": name, "type": extension[1:].upper()}
        )
    if not looks_right(head):
        raise ValidationError(
            gettext("%(name)s does not contain what its name says: it is not a real %(type)s file.")
            % {"name": name, "type": extension[1:].upper()}
        )
    return content_type


def attachment_response(field_file, name: str, content_type: str | None = None):
    """A private file (a FileField's file) sent as an attachment named `name` that browsers neither sniff nor
    cache; callers check who may have it first. `content_type`: the type checked at upload; None: guessed from
    the name. A type a browser would run as a page or script (HTML, SVG, XML, JS) goes out as opaque bytes,
    never with its own type from the portal's origin. A file missing from storage is a 404."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=name)
    if content_type:
        response["Content-Type"] = content_type
    if response["Content-Type"].split(";")[0].strip().lower() in ACTIVE_CONTENT_TYPES:
        response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


ACTIVE_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/xsl",
    }
)


# --- request body limits (docs/hardening.md) ---------------------------------------------------------------

MB = 1024 * 1024
# A form's other fields and the multipart framing around its files.
FORM_OVERHEAD_BYTES = MB
# Where one field takes several files (MDF proofs), how many may come at full size in one request.
MDF_PROOFS_PER_REQUEST = 10


# URL name -> the largest upload of that route, in bytes, or a function of the settings giving it. The routes
# of apps above prm are added by their AppConfig.ready (`register_upload_limits`).
_UPLOAD_LIMITS: dict[str, int | Callable[[], int]] = {
    "mdf:claim_new": lambda: settings.MDF_PROOF_MAX_MB * MB * MDF_PROOFS_PER_REQUEST,
    "mdf:claim_action": lambda: settings.MDF_PROOF_MAX_MB * MB * MDF_PROOFS_PER_REQUEST,
    "mdf-claim-list": lambda: settings.MDF_PROOF_MAX_MB * MB * MDF_PROOFS_PER_REQUEST,
    "enablement:manage_lesson_new": lambda: settings.ENABLEMENT_MAX_UPLOAD_MB * MB,
    "enablement:manage_lesson": lambda: settings.ENABLEMENT_MAX_UPLOAD_MB * MB,
    "enablement:manage_asset_new": lambda: settings.ENABLEMENT_MAX_UPLOAD_MB * MB,
    "enablement:manage_asset": lambda: settings.ENABLEMENT_MAX_UPLOAD_MB * MB,
    "deals:import": lambda: settings.IMPORT_MAX_BYTES,
    "account-import": lambda: settings.IMPORT_MAX_BYTES,
    "deals:import_history": lambda: settings.IMPORT_MAX_BYTES,
    "partners:import": lambda: settings.IMPORT_MAX_BYTES,
}


def register_upload_limits(limits: dict[str, int | Callable[[], int]]) -> None:
    """Declare the largest upload (bytes, or a function of the settings giving it) of routes that read
    request.FILES, by URL name. An app calls it from its AppConfig.ready."""
    _UPLOAD_LIMITS.update(limits)


def upload_limits() -> dict[str, int]:
    """URL name -> the largest upload (bytes, all files together) one request to that route may carry.

    Every route whose view reads request.FILES is listed (tests/security/test_upload_limits.py checks it);
    the per-file checks above still apply to each file."""
    return {name: limit() if callable(limit) else limit for name, limit in _UPLOAD_LIMITS.items()}


def request_body_limit(url_name: str | None) -> int:
    """The largest request body (bytes) a route accepts: its uploads plus the form around them; for every
    other route DATA_UPLOAD_MAX_MEMORY_SIZE, which then covers JSON bodies too (DRF reads the raw stream)."""
    upload = upload_limits().get(url_name or "")
    if upload is None:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return upload + FORM_OVERHEAD_BYTES


# --- uploads kept across a refused form (docs/pages.md) ------------------------------------------------------

STASH_DIR = "upload-stash"
STASH_SALT = "prm.files.kept-upload"
STASH_MAX_AGE = 2 * 60 * 60  # seconds a kept file waits for the form to be sent again


def keep_upload(upload, *, user) -> str:
    """Store a checked upload of a form that was refused for another reason, privately (the default storage is
    never served from a URL); returns a signed token naming it, valid for STASH_MAX_AGE and for `user` only."""
    name = safe_name(getattr(upload, "name", ""))
    upload.seek(0)
    path = default_storage.save(f"{STASH_DIR}/{uuid.uuid4().hex}/{name}", upload)
    upload.seek(0)
    return signing.dumps({"user": user.pk, "path": path, "name": name}, salt=STASH_SALT, compress=True)


def kept_upload(token: str, *, user):
    """The file a token names, as an upload again; None when the token is forged, expired, another user's, or
    its file is gone. The kept copy is removed: a token serves one successful read."""
    try:
        data = signing.loads(token or "", salt=STASH_SALT, max_age=STASH_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("user") != getattr(user, "pk", None):
        return None
    path = str(data.get("path", ""))
    if not path.startswith(f"{STASH_DIR}/") or ".." in path or not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        content = handle.read()
    default_storage.delete(path)
    return SimpleUploadedFile(data.get("name") or "file", content)


def kept_name(token: str, *, user) -> str:
    """The file name a valid token of `user` names ("" otherwise), to show "Kept: name"."""
    try:
        data = signing.loads(token or "", salt=STASH_SALT, max_age=STASH_MAX_AGE)
    except signing.BadSignature:
        return ""
    return str(data.get("name", "")) if isinstance(data, dict) and data.get("user") == getattr(user, "pk", None) else ""


def clean_upload_stash(now: float | None = None) -> int:
    """Delete kept files older than STASH_MAX_AGE (a periodic task; safe to run again). Returns how many."""
    now = time.time() if now is None else now
    removed = 0
    try:
        folders, _ = default_storage.listdir(STASH_DIR)
    except FileNotFoundError:
        return 0
    for folder in folders:
        _, names = default_storage.listdir(f"{STASH_DIR}/{folder}")
        for name in names:
            path = f"{STASH_DIR}/{folder}/{name}"
            if now - default_storage.get_modified_time(path).timestamp() > STASH_MAX_AGE:
                default_storage.delete(path)
                removed += 1
    return removed
