"""Dispute attachments: checked by extension, content (magic bytes) and size before they are stored.

The same approach as mdf.files and enablement.uploads (no libmagic): the accepted formats are few and
have well-known signatures; text formats must be UTF-8 without NUL bytes.
"""

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILES = 5
_ZIP = b"PK\x03\x04"
# Headers of executables and scripts that must never pass as a document, whatever their name.
_EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"\xca\xfe\xba\xbe", b"#!")


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sample's end is fine; anything else is not text.
        if error.start < len(head) - 4:
            return False
    return True


# extension -> (content type, check of the first bytes)
ALLOWED = {
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".txt": ("text/plain; charset=utf-8", _is_text),
    ".csv": ("text/csv; charset=utf-8", _is_text),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head.startswith(_ZIP),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda head: head.startswith(_ZIP),
    ),
}
ACCEPT = ",".join(sorted(ALLOWED))


def max_bytes() -> int:
    return max_megabytes() * 1024 * 1024


def max_megabytes() -> int:
    return int(getattr(settings, "DISPUTE_FILE_MAX_MB", 10))


def safe_name(name: str) -> str:
    base = os.path.basename(name or "").strip() or "file"
    return re.sub(r"[^A-Za-z0-9._ -]", "_", base)[:150]


def check_file(upload) -> str:
    """Refuse a file whose name, content or size is not accepted; return its content type."""
    name = safe_name(getattr(upload, "name", "") or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _("%(name)s: only PDF, PNG, JPEG, TXT, CSV, DOCX or XLSX files are accepted.") % {"name": name}
        )
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if size > max_bytes():
        raise ValidationError(_("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": max_megabytes()})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    content_type, looks_right = ALLOWED[extension]
    text = extension in (".txt", ".csv")
    if head.startswith(_EXECUTABLE_SIGNATURES) and (not text or b"\x00" in head):
        raise ValidationError(_("%(name)s is a program, not a document: upload the document itself.") % {"name": name})
    if not looks_right(head):
        raise ValidationError(
            _("%(name)s does not contain what its name says: it is not a real %(kind)s file.")
            % {"name": name, "kind": extension[1:].upper()}
        )
    return content_type


def check_files(files) -> list[str]:
    """Every problem of a set of uploads, as messages (empty when all are fine)."""
    files = list(files or [])
    messages = []
    if len(files) > MAX_FILES:
        messages.append(_("Attach at most %(count)s files.") % {"count": MAX_FILES})
    for upload in files:
        try:
            check_file(upload)
        except ValidationError as error:
            messages.extend(error.messages)
    return messages
