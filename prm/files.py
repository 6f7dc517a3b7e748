"""Checks of uploaded documents shared by every app that accepts files (MDF proofs, dispute evidence):
by extension, by content (magic bytes) and by size, before anything is stored.

No python-magic (it needs libmagic): the accepted formats are few and have well-known signatures.
"""

import os
import re

from django.core.exceptions import ValidationError
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


def attachment_response(stored):
    """A stored upload (`file`, `name`, `content_type`) sent as an attachment that browsers neither sniff nor
    cache; callers check who may have it first."""
    from django.http import FileResponse

    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.name)
    response["Content-Type"] = stored.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
