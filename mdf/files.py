"""Proof-of-performance uploads: checked by extension, content (magic bytes) and size before storing.

No python-magic (it needs libmagic): the accepted formats are few and have well-known signatures.
"""

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# extension -> (content type, check of the first bytes)
_PDF = ("application/pdf", lambda head: head.startswith(b"%PDF-"))
_PNG = ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"))
_JPEG = ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff"))

# Headers of executables and archives that must never pass as a "document", whatever their name.
_EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"\xca\xfe\xba\xbe", b"#!")


def _is_text_csv(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sample's end is fine; anything else is not text.
        if error.start < len(head) - 4:
            return False
    return True


_CSV = ("text/csv", _is_text_csv)

ALLOWED = {".pdf": _PDF, ".png": _PNG, ".jpg": _JPEG, ".jpeg": _JPEG, ".csv": _CSV}
ALLOWED_LABEL = _("PDF, PNG, JPEG or CSV")


def safe_name(name: str) -> str:
    base = os.path.basename(name or "").strip() or "proof"
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base)[:150]
    return base


def check_proof_file(upload) -> str:
    """Refuse a file whose name, content or size is not an accepted proof; return its content type."""
    name = getattr(upload, "name", "") or ""
    extension = os.path.splitext(name)[1].lower()
    limit = settings.MDF_PROOF_MAX_MB * 1024 * 1024
    if extension not in ALLOWED:
        raise ValidationError(
            gettext("%(name)s: only %(allowed)s files are accepted.")
            % {"name": safe_name(name), "allowed": ALLOWED_LABEL}
        )
    if upload.size == 0:
        raise ValidationError(gettext("%(name)s is empty.") % {"name": safe_name(name)})
    if upload.size > limit:
        raise ValidationError(
            gettext("%(name)s is larger than %(size)s MB.")
            % {"name": safe_name(name), "size": settings.MDF_PROOF_MAX_MB}
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    content_type, looks_right = ALLOWED[extension]
    binary = b"\x00" in head
    if head.startswith(_EXECUTABLE_SIGNATURES) and (extension != ".csv" or binary):
        raise ValidationError(
            gettext("%(name)s is a program, not a %(type)s file: upload the document itself.")
            % {"name": safe_name(name), "type": extension[1:].upper()}
        )
    if not looks_right(head):
        raise ValidationError(
            gettext("%(name)s does not contain what its name says: it is not a real %(type)s file.")
            % {"name": safe_name(name), "type": extension[1:].upper()}
        )
    return content_type
